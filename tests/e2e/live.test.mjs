// The live page end to end: registry-http's watch socket pushes every change,
// so with polling set to an hour (?poll=3600000) a server started after the
// page loaded still gets its card and its echo, and a kill -9'd one loses its
// card. Also the page's accessibility at phone width. Run: make e2e.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { launchBrowser, stepShowingLogs, startRegistryHttp, startWsServer, tempDir } from './harness.mjs';

const AN_HOUR_MS = 3600000;
const card = (id, status) => `.server-card[data-id="${id}"]` + (status ? `[data-status="${status}"]` : '');

// WCAG 2 contrast of two computed CSS colours ("rgb(r, g, b)").
function contrast(foreground, background) {
  const luminance = (css) => {
    const [r, g, b] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map((value) => {
      const c = Number(value) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

describe('live page in Chromium', () => {
  const children = [];
  const pageErrors = [];
  let dir;
  let registry;
  let http;
  let browser;
  let page;

  const step = stepShowingLogs(() => page, children);

  before(async () => {
    dir = tempDir('peer-plan-e2e-live-');
    registry = join(dir, 'servers.json');
    http = await startRegistryHttp(registry);
    children.push(http);
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? await browser.context.newPage();
    page.setDefaultTimeout(10000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${http.origin}/?poll=${AN_HOUR_MS}`);
  });

  after(async () => {
    await browser?.close();
    await Promise.all(children.map((child) => child.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  step('the header says live, since when, and which registry', async () => {
    await page.waitForSelector('#registry-status[data-mode="live"]', { timeout: 5000 });
    assert.equal(await page.textContent('#registry-status .registry-label'), 'Live');
    assert.match(await page.textContent('#registry-status .registry-text'), /^since \d\d:\d\d:\d\d · changes are pushed$/);
    const watch = http.origin.replace(/^http:/, 'ws:') + '/api/registry/watch';
    assert.equal(await page.textContent('#registry-status .registry-url'), watch);
    assert.equal(await page.textContent('#server-count'), 'Found 0 servers');
  });

  step('a server started after the page loaded gets its card and its echo', async () => {
    const server = await startWsServer(registry);
    children.push(server);
    // Polling is an hour away: only the watch socket can bring it in time.
    await page.waitForSelector(card(server.id, 'connected'), { timeout: 5000 });
    assert.equal(await page.textContent('#server-count'), 'Found 1 server');
    assert.equal(await page.textContent(`${card(server.id)} dd.port`), String(server.port));

    await page.fill('#message-input', 'pushed, not polled');
    await page.click('#send-button');
    await page.waitForFunction((id) => [...document.querySelectorAll('#log .log-entry[data-kind="echo"] .log-text')]
      .some((line) => line.textContent === `[${id}] Echo: pushed, not polled`), server.id, { timeout: 5000 });
  });

  step('a kill -9\'d server loses its card', async () => {
    const [second, victim] = [await startWsServer(registry), await startWsServer(registry)];
    children.push(second, victim);
    for (const server of [second, victim]) await page.waitForSelector(card(server.id, 'connected'), { timeout: 5000 });
    assert.equal(await page.textContent('#server-count'), 'Found 3 servers');
    const { signal } = await victim.stop('SIGKILL');
    assert.equal(signal, 'SIGKILL');
    // The process's exit, not a poll, takes it out of the registry.
    await page.waitForSelector(card(victim.id), { state: 'detached', timeout: 5000 });
    assert.equal(await page.textContent('#server-count'), 'Found 2 servers');
    assert.ok(await page.$(card(second.id, 'connected')));
    assert.equal(await page.getAttribute('#registry-status', 'data-mode'), 'live');
  });

  step('a long echo shows its start and expands on request', async () => {
    const long = 'word '.repeat(400).trim();  // 1,999 characters
    await page.fill('#message-input', long);
    await page.press('#message-input', 'Enter');
    const line = page.locator('#log .log-entry[data-kind="echo"]').last();
    await line.locator('.log-expand').waitFor({ timeout: 5000 });
    const shown = await line.locator('.log-text').textContent();
    assert.ok(shown.length < 400 && shown.endsWith('\u2026'), shown);
    assert.equal(await line.locator('.log-expand').getAttribute('aria-expanded'), 'false');
    await line.locator('.log-expand').click();
    assert.ok((await line.locator('.log-text').textContent()).endsWith(long));
    assert.equal(await line.locator('.log-expand').getAttribute('aria-expanded'), 'true');
  });

  step('screen readers get a polite summary, not every echo', async () => {
    assert.equal(await page.getAttribute('#log', 'aria-live'), 'off');
    assert.equal(await page.getAttribute('#log', 'role'), null);
    assert.equal(await page.getAttribute('#log-announcer', 'role'), 'status');
    await page.fill('#message-input', 'tally');
    await page.press('#message-input', 'Enter');
    await page.waitForFunction(() => /echoes/.test(document.getElementById('log-announcer').textContent),
      null, { timeout: 5000 });
  });

  step('phone width: the form stays on screen, above the cards; badges read at 4.5:1', async () => {
    for (let i = 0; i < 3; ++i) {
      const server = await startWsServer(registry);
      children.push(server);
      await page.waitForSelector(card(server.id, 'connected'), { timeout: 5000 });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    for (const selector of ['#message-input', '#send-button']) {
      const box = await page.locator(selector).boundingBox();
      assert.ok(box.y >= 0 && box.y + box.height <= 844 && box.x >= 0 && box.x + box.width <= 390,
        `${selector} is on screen without scrolling: ${JSON.stringify(box)}`);
    }
    const lastCard = await page.locator('.server-card').last().boundingBox();
    assert.ok(lastCard.y + lastCard.height > 844, 'the cards go below the fold, the form does not');

    // The pill does not wrap, even when the text beside it does.
    const pill = await page.locator('#registry-status .registry-pill').boundingBox();
    assert.ok(pill.height < 40, `the pill is one line: ${JSON.stringify(pill)}`);

    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const colours = await page.$eval('.server-card[data-status="connected"] .status-badge', (badge) => {
        const style = getComputedStyle(badge);
        return [style.color, style.backgroundColor];
      });
      const ratio = contrast(...colours);
      assert.ok(ratio >= 4.5, `${scheme} Connected badge ${colours.join(' on ')} is ${ratio.toFixed(2)}:1`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  step('polling asks If-None-Match, and a 304 changes nothing', async () => {
    const poller = await browser.context.newPage();
    poller.on('pageerror', (error) => pageErrors.push(error.message));
    const answers = [];
    poller.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/registry') {
        answers.push({ status: response.status(), ifNoneMatch: response.request().headers()['if-none-match'] });
      }
    });
    try {
      await poller.goto(`${http.origin}/?watch=off&poll=200`);
      await poller.waitForSelector('#registry-status[data-mode="polling"][data-state="ok"]', { timeout: 5000 });
      const count = await page.textContent('#server-count');
      await poller.waitForFunction(() => /^Found \d+ servers?$/.test(document.getElementById('server-count').textContent));
      const until = Date.now() + 5000;
      while (!answers.some((answer) => answer.status === 304) && Date.now() < until) await poller.waitForTimeout(100);
      const first304 = answers.find((answer) => answer.status === 304);
      assert.ok(first304, JSON.stringify(answers));
      assert.match(first304.ifNoneMatch, /^"\d+\.\d+"$/);
      assert.equal(answers[0].ifNoneMatch, undefined, 'the first poll has nothing to compare');
      assert.equal(await poller.textContent('#server-count'), count);
      assert.equal(await poller.textContent('#registry-status .registry-label'), 'Polling');
      assert.match(await poller.textContent('#registry-status .registry-text'), /\(watch off\) · read at \d\d:\d\d:\d\d, every 200 ms$/);
      assert.equal(await poller.$$eval('#log .log-entry[data-kind="error"]', (lines) => lines.length), 0);
    } finally {
      await poller.close();
    }
  });

  step('no script errors on the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
