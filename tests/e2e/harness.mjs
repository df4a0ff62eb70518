// Helpers for the end-to-end tests: start the real binaries on loopback with
// a temporary registry, wait for the lines they print, and drive Debian's
// Chromium through playwright-core (never a downloaded browser).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN_DIR = process.env.PEER_PLAN_BIN_DIR || ROOT;
const CHROMIUM = process.env.PEER_PLAN_CHROMIUM || '/usr/bin/chromium';

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

// One child process whose stdout lines can be awaited.
export class Child {
  constructor(name, args) {
    this.name = name;
    this.stderr = '';
    this.lines = [];
    this.waiters = [];
    this.process = spawn(join(BIN_DIR, name), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stderr.setEncoding('utf8');
    this.process.stderr.on('data', (text) => { this.stderr += text; });
    createInterface({ input: this.process.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.waiters = this.waiters.filter((waiter) => !waiter(line));
    });
    this.exited = new Promise((resolveExit) => {
      // A program that cannot be started (not built yet) fails its waiters, not the runner.
      this.process.on('error', (error) => {
        this.stderr += `cannot start ${join(BIN_DIR, name)}: ${error.message}\n`;
        for (const waiter of this.waiters) waiter(null);
        resolveExit({ code: null, signal: null });
      });
      this.process.on('exit', (code, signal) => {
        this.exitCode = code;
        for (const waiter of this.waiters) waiter(null);
        resolveExit({ code, signal });
      });
    });
  }

  // Resolves with the first match of `pattern` in a stdout line.
  waitForLine(pattern, timeoutMs = 10000) {
    for (const line of this.lines) {
      const match = line.match(pattern);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => reject(this.failure(`no line matching ${pattern} within ${timeoutMs} ms`)),
        timeoutMs);
      this.waiters.push((line) => {
        if (line === null) {
          clearTimeout(timer);
          reject(this.failure(`exited before printing ${pattern}`));
          return true;
        }
        const match = line.match(pattern);
        if (!match) return false;
        clearTimeout(timer);
        resolveLine(match);
        return true;
      });
    });
  }

  failure(what) {
    return new Error(`${this.name} ${what}\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`);
  }

  get running() {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  // Sends `signal` and waits for the exit; SIGKILL if it takes too long.
  async stop(signal = 'SIGTERM', timeoutMs = 10000) {
    if (!this.running) return this.exited;
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

// registry-http on a port the system picks (or `port`); resolves once it listens.
export async function startRegistryHttp(registry, port = 0) {
  const child = new Child('registry-http',
    ['--host', '127.0.0.1', '--port', String(port), '--registry', registry, '--web', join(ROOT, 'web')]);
  const match = await child.waitForLine(/listening on (http:\/\/[^\s/]+)\//);
  child.origin = match[1];
  child.port = Number(new URL(child.origin).port);
  return child;
}

// A ws-server; resolves once it is registered, with its id and port.
export async function startWsServer(registry) {
  const child = new Child('ws-server', ['--host', '127.0.0.1', '--port', '0', '--registry', registry]);
  const match = await child.waitForLine(/^\[(\S+)\] WebSocket server listening on port (\d+)$/);
  child.id = match[1];
  child.port = Number(match[2]);
  return child;
}

export async function launchBrowser() {
  const profile = tempDir('peer-plan-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// test(name, body) whose failure also shows what the page logged and what
// the servers said on stderr. getPage: the page now (it is opened in before()).
export function stepShowingLogs(getPage, children) {
  return (name, body) => test(name, async () => {
    try {
      await body();
    } catch (error) {
      const log = await getPage()?.innerText('#log').catch(() => '(page gone)');
      const stderr = children.map((child) => `${child.name} ${child.id ?? child.origin}:\n${child.stderr}`);
      error.message += `\n--- page log ---\n${log}\n--- server stderr ---\n${stderr.join('\n')}`;
      throw error;
    }
  });
}
