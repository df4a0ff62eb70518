// The web client end to end: real registry-http and ws-servers on loopback,
// a temporary registry, and the page in headless Chromium. The steps build
// on each other, like the prototype README's steps 3-6. Run: make e2e.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { launchBrowser, ROOT, stepShowingLogs, startRegistryHttp, startWsServer, tempDir } from './harness.mjs';

const REFRESH_MS = 1000;  // the page's ?poll=, so a fallback poll is quick to wait for
const card = (id, status) => `.server-card[data-id="${id}"]` + (status ? `[data-status="${status}"]` : '');

// Records every status a card takes and every card that leaves, so a test can
// check that "disconnected" was shown even if the card left right after.
function watchCards() {
  window.cardHistory = [];
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') {
        // The value this change set: the next change's old value, or the current one.
        const next = records.slice(records.indexOf(record) + 1)
          .find((later) => later.type === 'attributes' && later.target === record.target);
        window.cardHistory.push(`${record.target.dataset.id}:${next ? next.oldValue : record.target.dataset.status}`);
      }
      for (const node of record.removedNodes) {
        if (node.classList?.contains('server-card')) window.cardHistory.push(`${node.dataset.id}:removed`);
      }
    }
  }).observe(document.getElementById('server-list'),
    { subtree: true, childList: true, attributes: true, attributeOldValue: true, attributeFilter: ['data-status'] });
}

function logTexts(page, kind) {
  return page.$$eval(`#log .log-entry[data-kind="${kind}"]`,
    (lines) => lines.map((line) => ({ text: line.querySelector('.log-text').textContent,
      server: line.dataset.server })));
}

// Sends `message` with `how` ('enter' or 'click') and waits for one echo per server.
async function sendAndAwaitEchoes(page, message, how, serverCount) {
  await page.fill('#message-input', message);
  if (how === 'enter') await page.press('#message-input', 'Enter');
  else await page.click('#send-button');
  await page.waitForFunction(([text, count]) =>
    [...document.querySelectorAll('#log .log-entry[data-kind="echo"] .log-text')]
      .filter((line) => line.textContent.endsWith('] Echo: ' + text)).length === count,
  [message, serverCount], { timeout: 5000 });
}

describe('web client in Chromium', () => {
  const children = [];
  const pageErrors = [];
  let dir;
  let registry;
  let http;
  let servers;
  let browser;
  let page;
  // A failing step also shows what the page and the servers said.
  const step = stepShowingLogs(() => page, children);

  before(async () => {
    dir = tempDir('peer-plan-e2e-');
    registry = join(dir, 'servers.json');
    http = await startRegistryHttp(registry);
    children.push(http);
    servers = [];
    for (let i = 0; i < 3; ++i) {
      servers.push(await startWsServer(registry));
      children.push(servers[i]);
    }
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? await browser.context.newPage();
    page.setDefaultTimeout(10000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${http.origin}/?poll=${REFRESH_MS}`);
    await page.evaluate(watchCards);
  });

  after(async () => {
    await browser?.close();
    await Promise.all(children.map((child) => child.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  step('three servers show connected', async () => {
    for (const server of servers) await page.waitForSelector(card(server.id, 'connected'), { timeout: 5000 });
    assert.equal(await page.textContent('#server-count'), 'Found 3 servers');
    assert.equal(await page.getAttribute('#registry-status', 'data-state'), 'ok');
    for (const server of servers) {
      assert.equal(await page.textContent(`${card(server.id)} dd.port`), String(server.port));
      assert.equal(await page.textContent(`${card(server.id)} dd.pid`), String(server.process.pid));
    }
    assert.equal(await page.$$eval('.server-card', (cards) => cards.length), 3);
  });

  step('a typed message comes back from every server', async () => {
    await sendAndAwaitEchoes(page, 'Hello from browser!', 'enter', 3);
    const ids = servers.map((server) => server.id).sort();
    const echoes = (await logTexts(page, 'echo')).filter((line) => line.text.endsWith('Hello from browser!'));
    assert.deepEqual(echoes.map((line) => line.text).sort(), ids.map((id) => `[${id}] Echo: Hello from browser!`));
    const sent = (await logTexts(page, 'sent')).filter((line) => line.text === 'Sent: Hello from browser!');
    assert.deepEqual(sent.map((line) => line.server).sort(), ids);
  });

  step('the button sends too, and a message never becomes markup', async () => {
    const markup = '<img src=x onerror="window.injected=1"> & "quotes"';
    await sendAndAwaitEchoes(page, markup, 'click', 3);
    assert.equal(await page.$$eval('#log img', (images) => images.length), 0);
    assert.equal(await page.evaluate(() => window.injected), undefined);
    const echoes = (await logTexts(page, 'echo')).filter((line) => line.text.endsWith(markup));
    assert.equal(echoes.length, 3);

    await sendAndAwaitEchoes(page, 'Hello again', 'click', 3);
    await sendAndAwaitEchoes(page, 'Hello from browser!', 'enter', 6);
  });

  step('the README screenshot: a page with the default settings', async () => {
    // This suite's page polls every 1 s to be quick; the picture must show
    // what a user sees.
    const shot = await browser.context.newPage();
    shot.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await shot.goto(`${http.origin}/`);
      for (const server of servers) await shot.waitForSelector(card(server.id, 'connected'), { timeout: 5000 });
      await shot.waitForSelector('#registry-status[data-mode="live"]', { timeout: 5000 });
      await sendAndAwaitEchoes(shot, 'Hello again', 'click', 3);
      await sendAndAwaitEchoes(shot, 'Hello from browser!', 'enter', 3);
      await shot.screenshot({ path: join(ROOT, 'docs/screenshot.png'), fullPage: true });
    } finally {
      await shot.close();
    }
  });

  step('a stopped server leaves the page (disconnected first, if the close came first)', async () => {
    const [victim] = servers.splice(0, 1);
    const { code } = await victim.stop('SIGTERM');
    assert.equal(code, 0, victim.stderr);
    // ws-server closes its connections (1001) before it leaves the registry,
    // but Chromium reports the close only once the TCP connection is gone,
    // and the watch socket's removal can come first: then the card leaves
    // without showing "disconnected" (CI saw it). Either way it must leave,
    // and a "disconnected" it showed must come before it left.
    await page.waitForSelector(card(victim.id), { state: 'detached', timeout: 3 * REFRESH_MS });
    const history = await page.evaluate(() => window.cardHistory);
    const shown = history.indexOf(`${victim.id}:disconnected`);
    assert.ok(history.includes(`${victim.id}:removed`), history);
    assert.ok(shown === -1 || shown < history.indexOf(`${victim.id}:removed`), history);
    assert.equal(await page.textContent('#server-count'), 'Found 2 servers');
    const info = await logTexts(page, 'info');
    assert.ok(info.some((line) => line.text === `[${victim.id}] Left the registry`));
    for (const server of servers) assert.ok(await page.$(card(server.id, 'connected')), server.id);
  });

  step('a new server is connected within one refresh', async () => {
    const fourth = await startWsServer(registry);
    children.push(fourth);
    servers.push(fourth);
    // One refresh interval, plus time for the fetch and the WebSocket handshake.
    await page.waitForSelector(card(fourth.id, 'connected'), { timeout: REFRESH_MS + 1500 });
    assert.equal(await page.textContent('#server-count'), 'Found 3 servers');
  });

  step('the page recovers when registry-http restarts', async () => {
    const { code } = await http.stop('SIGTERM');
    assert.equal(code, 0, http.stderr);
    await page.waitForSelector('#registry-status[data-state="error"]', { timeout: 3 * REFRESH_MS });
    // The servers themselves are fine, and the page keeps showing them, as stale.
    for (const server of servers) assert.ok(await page.$(card(server.id, 'connected')), server.id);
    assert.match(await page.textContent('#server-count[data-stale]'), /^Found 3 servers \(stale since \d\d:\d\d:\d\d\)$/);
    assert.equal(await page.textContent('#registry-status .registry-label'), 'Unreachable');
    // Red, with a long reason beside it, the pill stays one line, even on a phone.
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      const pill = await page.locator('#registry-status .registry-pill').boundingBox();
      assert.ok(pill.height < 40, `the red pill is one line at ${width} px: ${JSON.stringify(pill)}`);
    }
    await page.setViewportSize({ width: 1280, height: 860 });

    // A server that registers while the page cannot see the registry...
    const late = await startWsServer(registry);
    children.push(late);
    servers.push(late);
    const restarted = await startRegistryHttp(registry, http.port);
    children.push(restarted);
    http = restarted;
    // ...is found once it is back, without reloading the page.
    await page.waitForSelector('#registry-status[data-state="ok"]', { timeout: 3 * REFRESH_MS });
    await page.waitForSelector('#server-count:not([data-stale])', { timeout: 3 * REFRESH_MS });
    await page.waitForSelector(card(late.id, 'connected'), { timeout: 3 * REFRESH_MS });
    assert.equal(await page.textContent('#server-count'), 'Found 4 servers');
    const errors = (await logTexts(page, 'error')).filter((line) => line.text.startsWith('Registry unreachable'));
    assert.equal(errors.length, 1, 'an outage is logged once');
    assert.ok((await logTexts(page, 'info')).some((line) => line.text === 'Registry reachable again'));
    await sendAndAwaitEchoes(page, 'after the restart', 'enter', 4);
  });

  step('usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    for (const selector of ['#message-input', '#send-button', '#log', '.server-card']) {
      const box = await page.locator(selector).first().boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${selector} fits: ${JSON.stringify(box)}`);
    }
    // What a phone shows: the top of the page, the form fixed at the bottom edge.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ROOT, 'docs/screenshot-phone.png') });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  step('no script errors on the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
