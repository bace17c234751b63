/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type Tab } from './helpers/browser.ts';

/**
 * Desktop notifications: permission asked only from a click, a notification for a mention in a
 * room not on screen, none for the room on screen while the window has focus, and a click on one
 * opens the message. The page's Notification is a recording stand-in (headless Chromium shows none).
 */
const skip = browserSkip();

const STAND_IN = `(() => {
  const shown = [];
  let asked = 0;
  class FakeNotification {
    // A real browser remembers the answer across loads: so does the stand-in.
    static permission = localStorage.getItem('__permission') ?? 'default';
    static requestPermission() { asked++; FakeNotification.permission = 'granted'; localStorage.setItem('__permission', 'granted'); return Promise.resolve('granted'); }
    constructor(title, options) { this.title = title; this.body = options?.body ?? ''; this.onclick = null; shown.push(this); }
    close() {}
  }
  window.Notification = FakeNotification;
  window.__desktop = { shown, asked: () => asked };
})();`;

interface Desktop {
  shown: { title: string; body: string; onclick: (() => void) | null }[];
  asked(): number;
}
declare global {
  interface Window {
    __desktop: Desktop;
  }
}

describe('desktop notifications', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let ann: Tab;
  let bob: Awaited<ReturnType<typeof signup>>;
  let annUsername = '';
  let away = '';
  let here = '';

  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
    const annUser = await signup(server.url, { display_name: 'Ann' });
    bob = await signup(server.url, { display_name: 'Bob' });
    annUsername = annUser.username;
    away = (await annUser.api.post('/rooms', { name: 'away', type: 'public' })).body.id;
    here = (await annUser.api.post('/rooms', { name: 'here', type: 'public' })).body.id;
    for (const id of [away, here]) await bob.api.post(`/rooms/${id}/join`);
    ann = await openTab(browser, server);
    await ann.context.addInitScript(STAND_IN);
    await ann.page.goto('/');
    await ann.page.getByLabel('Username or email').fill(annUser.username);
    await ann.page.getByLabel('Password').fill(annUser.password);
    await ann.page.getByRole('button', { name: 'Log in' }).click();
    await ann.page.getByRole('navigation', { name: 'Rooms' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('permission is asked only when the user clicks to enable them', async () => {
    const { page } = ann;
    assert.equal(await page.evaluate(() => window.__desktop.asked()), 0, 'not asked on load');
    await page.getByRole('button', { name: /^Settings: Ann/ }).click();
    await page.getByRole('button', { name: 'Enable desktop notifications' }).click();
    assert.equal(await page.evaluate(() => window.__desktop.asked()), 1);
    await page.getByRole('button', { name: 'Close panel' }).click();
  });

  it('a mention in another room shows one, and clicking it opens the message; none for the room on screen', async () => {
    const { page } = ann;
    await page.goto(`/r/${here}`);
    await page.getByRole('log', { name: 'here' }).waitFor();
    await page.bringToFront();
    const hasFocus = await page.evaluate(() => document.hasFocus());
    const me = annUsername;
    const onScreen = (await bob.api.post(`/rooms/${here}/messages`, { content: `@${me} look here` })).body;
    await page.getByRole('log', { name: 'here' }).getByText('look here').waitFor();
    const elsewhere = (await bob.api.post(`/rooms/${away}/messages`, { content: `@${me} over there` })).body;
    await page.waitForFunction(() => window.__desktop.shown.length > 0);
    await page.waitForTimeout(300);
    const shown = await page.evaluate(() => window.__desktop.shown.map((n) => ({ title: n.title, body: n.body })));
    assert.ok(hasFocus, 'the page has focus (brought to front)');
    assert.equal(shown.length, 1, `only the mention elsewhere (${JSON.stringify(shown)})`);
    const last = shown[shown.length - 1]!;
    assert.equal(last.title, 'Bob mentioned you');
    assert.match(last.body, /over there/);
    assert.ok(onScreen.id && elsewhere.id);
    await page.evaluate(() => window.__desktop.shown[window.__desktop.shown.length - 1]!.onclick?.());
    await page.waitForURL(`**/r/${away}/m/${elsewhere.id}`);
    await page.locator(`article[data-mid="${elsewhere.id}"]`).waitFor();
  });
});
