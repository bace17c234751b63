import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { client, signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type ContextOptions } from './helpers/browser.ts';

/** The app as served: loads in Chromium at / and at a deep link, under the server's CSP, without an error. */
describe('the built app in Chromium', { skip: browserSkip() }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Opens path, waits for the app to render into #root, and returns what it loaded. */
  async function load(path: string, opts: ContextOptions = {}) {
    const tab = await openTab(browser, server, opts);
    const scripts: string[] = [];
    tab.page.on('response', (r) => {
      if (r.request().resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    const res = await tab.page.goto(path);
    assert.equal(res?.status(), 200, `${path} answers 200`);
    await tab.page.waitForFunction('document.querySelector("#root")?.childElementCount > 0', undefined, { timeout: 10_000 });
    return { ...tab, scripts, title: await tab.page.title(), rootText: await tab.page.locator('#root').innerText() };
  }

  for (const [label, opts] of [
    ['desktop, light', {}],
    ['360×640, dark', { mobile: true, colorScheme: 'dark' }],
  ] as [string, ContextOptions][]) {
    it(`loads at / (${label}) with no console error, page error, failed request or CSP violation`, async () => {
      const app = await load('/', opts);
      assert.match(app.title, /Rooms/);
      assert.ok(app.rootText.trim().length > 0, '#root has content');
      assert.ok(
        app.scripts.some((s) => s.startsWith('/assets/')),
        `the entry script came from /assets/ (${app.scripts.join(', ')})`,
      );
      await app.page.waitForLoadState('networkidle');
      assert.deepEqual(app.problems.all(), []);
      await app.context.close();
    });
  }

  it('loads the same app at a deep link (/r/x/m/y)', async () => {
    const home = await load('/');
    const deep = await load('/r/x/m/y');
    assert.match(deep.title, /Rooms/);
    assert.ok(deep.rootText.trim().length > 0, '#root has content');
    // The same entry script, by an absolute /assets/ URL (a relative one would resolve under /r/x/m/ and 404).
    assert.equal(deep.scripts[0], home.scripts[0]);
    await deep.page.waitForLoadState('networkidle');
    assert.deepEqual(deep.problems.all(), []);
    await home.context.close();
    await deep.context.close();
  });

  it('is under a CSP that refuses inline script, and the harness sees the refusal', async () => {
    const app = await load('/');
    const ran = await app.page.evaluate(`(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
      return window.__inlineRan === true;
    })()`);
    assert.equal(ran, false, 'an inline script did not run');
    await app.page.waitForTimeout(100);
    assert.ok(
      app.problems.cspViolations.some((v) => v.startsWith('script-src')),
      `the violation was reported (${app.problems.cspViolations.join('; ')})`,
    );
    await app.context.close();
  });

  it("lets the page open its WebSocket to the same origin (connect-src 'self' covers ws:)", async () => {
    const app = await load('/');
    const me = await signup(server.url);
    const { body } = await client(server.url, me.token).post('/auth/ws-ticket');
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws?ticket=${encodeURIComponent(body.ticket)}`;
    const first = await app.page.evaluate(`new Promise((resolve) => {
      const ws = new WebSocket(${JSON.stringify(wsUrl)});
      ws.onmessage = (e) => { resolve(JSON.parse(e.data).type); ws.close(); };
      ws.onerror = () => resolve('error');
      setTimeout(() => resolve('timeout'), 5000);
    })`);
    assert.equal(first, 'ready');
    assert.deepEqual(app.problems.cspViolations, []);
    await app.context.close();
  });
});
