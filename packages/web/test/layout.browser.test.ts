/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer } from './helpers/browser.ts';

/** The phone layout, dark mode, and the main flow with the keyboard only. */
const skip = browserSkip();

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
}

describe('layout and keyboard', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Awaited<ReturnType<typeof signup>>;
  let bob: Awaited<ReturnType<typeof signup>>;
  const rooms: { id: string; name: string }[] = [];

  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
    alice = await signup(server.url, { display_name: 'Alice Liddell' });
    bob = await signup(server.url, { display_name: 'Bob Builder' });
    for (const name of ['alpha', 'bravo', 'charlie']) {
      const room = (await alice.api.post('/rooms', { name, type: 'public' })).body;
      await bob.api.post(`/rooms/${room.id}/join`);
      rooms.push({ id: room.id, name });
    }
    for (let i = 0; i < 30; i++)
      await bob.api.post(`/rooms/${rooms[0]!.id}/messages`, {
        content: `line ${i} of a conversation that is long enough to wrap on a phone screen`,
      });
    await bob.api.post(`/rooms/${rooms[1]!.id}/messages`, { content: 'unread in bravo' });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a phone (360×640): the sidebar is a drawer, panels are full screen, targets are 44 px, nothing overflows', async () => {
    const { page, context } = await openTab(browser, server, { mobile: true });
    await logIn(page, alice.username, alice.password);
    const nav = page.getByRole('navigation', { name: 'Rooms' });
    await page.getByRole('log').first().waitFor();
    assert.equal(await nav.isVisible(), false, 'the room list is hidden behind the drawer');
    await page.getByRole('button', { name: 'Open the room list' }).click();
    await nav.getByRole('link', { name: /^alpha/ }).click();
    assert.equal(await nav.isVisible(), false, 'choosing a room closes the drawer');
    await page.getByRole('log', { name: 'alpha' }).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `no horizontal overflow (scrollWidth ${width})`);
    const send = await page.getByRole('button', { name: 'Send' }).boundingBox();
    assert.ok(send && send.height >= 44, `Send is at least 44 px high (${send?.height})`);
    await page.getByRole('button', { name: 'Members' }).click();
    const panel = await page.getByRole('complementary', { name: 'Members' }).boundingBox();
    assert.ok(panel && panel.width >= 359 && panel.height >= 639, `the panel fills the screen (${JSON.stringify(panel)})`);
    await page.getByRole('button', { name: 'Close panel' }).click();
    await context.close();
  });

  it('dark mode follows the system, and the toggle is remembered across reloads', async () => {
    const { page, context } = await openTab(browser, server, { colorScheme: 'dark' });
    await logIn(page, alice.username, alice.password);
    await page.getByRole('log').first().waitFor();
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number) as [number, number, number];
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    assert.ok(luminance(await bg()) < 0.2, `dark background from the system setting (${await bg()})`);
    // system → dark → light
    await page.getByRole('button', { name: /^Theme: system/ }).click();
    await page.getByRole('button', { name: /^Theme: dark/ }).click();
    assert.ok(luminance(await bg()) > 0.8, 'light after choosing light');
    await page.reload();
    await page.getByRole('log').first().waitFor();
    assert.ok(luminance(await bg()) > 0.8, 'the choice survives a reload');
    await context.close();
  });

  it('↑ right after Enter edits the message just sent, even while the server has not stored it yet', async () => {
    const { page, context, problems } = await openTab(browser, server);
    // Hold each send for 700 ms on its way to the server, as a slow network would.
    await page.routeWebSocket(/\/ws/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((m) => {
        if (typeof m === 'string' && m.includes('"send_message"')) setTimeout(() => upstream.send(m), 700);
        else upstream.send(m);
      });
      upstream.onMessage((m) => ws.send(m));
    });
    await logIn(page, bob.username, bob.password);
    const log = page.getByRole('log').first();
    await log.waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('an earlier message');
    await page.keyboard.press('Enter');
    await log
      .getByRole('article', { name: /Bob Builder(?!, sending)/ })
      .filter({ hasText: 'an earlier message' })
      .waitFor();
    await page.keyboard.type('sent on a slow line');
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowUp');
    await page.getByText('Editing message').waitFor();
    assert.equal(
      await page.getByRole('textbox', { name: 'Message', exact: true }).inputValue(),
      'sent on a slow line',
      'the composer holds the message just sent, not the one before',
    );
    await page.keyboard.press('End');
    await page.keyboard.type(', fixed');
    await page.keyboard.press('Enter');
    await log.getByRole('article').filter({ hasText: 'sent on a slow line, fixed' }).getByText('(edited)').waitFor();
    assert.equal(
      await log.getByRole('article').filter({ hasText: 'an earlier message' }).getByText('(edited)').count(),
      0,
      'the earlier message is untouched',
    );
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });

  it('keyboard only: log in, move between rooms, send, edit the last message, read', async () => {
    const { page, context, problems } = await openTab(browser, server);
    await page.goto('/');
    await page.getByLabel('Username or email').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'username', 'the first field has focus');
    await page.keyboard.type(bob.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(bob.password);
    await page.keyboard.press('Enter');
    await page.getByRole('log').first().waitFor();
    // Alt+↓ / Alt+↑ walk the room list; Alt+Shift+↓ goes to the next room with unread messages.
    const current = () => page.getByRole('navigation', { name: 'Rooms' }).locator('[aria-current="page"]').getAttribute('aria-label');
    await page.getByRole('navigation', { name: 'Rooms' }).locator('[aria-current="page"]').waitFor();
    const first = await current();
    assert.ok(first, 'a room is open');
    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForFunction((was) => document.querySelector('[aria-current="page"]')?.getAttribute('aria-label') !== was, first);
    await page.keyboard.press('Alt+ArrowUp');
    await page.waitForFunction((was) => document.querySelector('[aria-current="page"]')?.getAttribute('aria-label') === was, first);
    // `/` focuses the composer; Enter sends; ↑ edits; Esc cancels.
    await page.keyboard.press('/');
    await page.keyboard.type('typed without a mouse');
    await page.keyboard.press('Enter');
    const log = page.getByRole('log').first();
    await log.getByRole('article').filter({ hasText: 'typed without a mouse' }).waitFor();
    await page.keyboard.press('ArrowUp');
    await page.getByText('Editing message').waitFor();
    await page.keyboard.press('End');
    await page.keyboard.type(', edited');
    await page.keyboard.press('Enter');
    await log.getByRole('article').filter({ hasText: 'typed without a mouse, edited' }).getByText('(edited)').waitFor();
    // `?` shows the shortcuts; Esc closes it. Focus is always visible.
    await page.keyboard.press('Escape');
    await page.getByRole('navigation', { name: 'Rooms' }).getByRole('link').first().focus();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'hidden' });
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const s = getComputedStyle(el);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    assert.match(outline, /^solid [1-9]/, `the focused element shows a focus ring (${outline})`);
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });
});
