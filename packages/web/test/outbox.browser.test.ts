import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer } from './helpers/browser.ts';

/**
 * Messages sent while the live connection cannot be opened wait in the outbox (IndexedDB), are
 * shown as pending, survive a reload, and go out once, in order, when the connection is back.
 */
const skip = browserSkip();

describe('the outbox in the browser', { skip }, () => {
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

  it('pending while the WebSocket is refused, still pending after a reload, sent once when it comes back', async () => {
    const ann = await signup(server.url, { display_name: 'Ann' });
    const room = (await ann.api.post('/rooms', { name: 'offline', type: 'public' })).body;
    const { page, context } = await openTab(browser, server);
    await page.goto('/');
    await page.getByLabel('Username or email').fill(ann.username);
    await page.getByLabel('Password').fill(ann.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const log = page.getByRole('log', { name: 'offline' });
    await log.waitFor();

    // The WebSocket is refused from now on (the REST API still answers).
    let blocked = true;
    await context.routeWebSocket(/\/ws/, (ws) => {
      if (blocked) ws.close({ code: 1011, reason: 'test: refused' });
      else ws.connectToServer();
    });
    await page.reload();
    await log.waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /Disconnected|Connecting/ })
      .waitFor();
    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    for (const text of ['queued one', 'queued two']) {
      await box.fill(text);
      await box.press('Enter');
    }
    await log
      .getByRole('article', { name: /sending/ })
      .nth(1)
      .waitFor();

    await page.reload();
    await log.waitFor();
    await log
      .getByRole('article', { name: /sending/ })
      .filter({ hasText: 'queued two' })
      .waitFor();
    assert.equal(await log.getByRole('article', { name: /sending/ }).count(), 2, 'both survived the reload');

    blocked = false;
    // Reconnecting waits out the backoff: then both go out, and the pending copies give way to the stored ones.
    await log
      .getByRole('article', { name: /sending/ })
      .first()
      .waitFor({ state: 'detached', timeout: 60_000 });
    await log
      .getByRole('article', { name: /^Ann, \d/ })
      .filter({ hasText: 'queued two' })
      .waitFor();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ state: 'attached' });
    const stored = (await ann.api.get(`/rooms/${room.id}/messages`)).body.items.map((m: { content: string }) => m.content).reverse();
    assert.deepEqual(stored, ['queued one', 'queued two'], 'stored once each, in order');
    await context.close();
  });
});
