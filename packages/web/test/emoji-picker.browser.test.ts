/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type Tab } from './helpers/browser.ts';

/**
 * The emoji picker (ui/emoji/EmojiPicker.tsx): its grid renders only the rows in view, and still
 * offers every emoji of a category by scrolling and by the arrow keys, with search, categories,
 * skin tones and recently used.
 */
const skip = browserSkip();

const picker = (p: Page) => p.getByRole('dialog', { name: 'Emoji picker' });
const grid = (p: Page) => picker(p).getByRole('listbox');

describe('the emoji picker', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let tab: Tab;
  let alice: Awaited<ReturnType<typeof signup>>;

  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
    alice = await signup(server.url, { display_name: 'Alice Liddell' });
    const room = (await alice.api.post('/rooms', { name: 'emoji', type: 'public' })).body;
    await alice.api.post(`/rooms/${room.id}/messages`, { content: 'react to me' });
    tab = await openTab(browser, server);
    await tab.page.goto('/');
    await tab.page.getByLabel('Username or email').fill(alice.username);
    await tab.page.getByLabel('Password').fill(alice.password);
    await tab.page.getByLabel('Password').press('Enter');
    await tab.page.getByRole('log', { name: 'emoji' }).getByRole('article').filter({ hasText: 'react to me' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = async () => {
    const msg = tab.page.getByRole('log', { name: 'emoji' }).getByRole('article').filter({ hasText: 'react to me' });
    await msg.hover();
    await msg.getByRole('button', { name: 'React' }).click();
    await grid(tab.page).getByRole('option').first().waitFor();
  };

  it('renders the rows in view only, and the rest as the user scrolls, each option knowing its place', async () => {
    const { page } = tab;
    await open();
    await picker(page).getByRole('tab', { name: 'People & body' }).click();
    const options = grid(page).getByRole('option');
    const first = await options.count();
    assert.ok(first > 0 && first < 120, `only the rows in view and a few more are rendered (${first} of the category's ~380)`);
    const setsize = Number(await options.first().getAttribute('aria-setsize'));
    assert.ok(setsize > 300, `the options say how many there are (${setsize})`);
    assert.equal(await options.first().getAttribute('aria-posinset'), '1');
    // Scrolled to the end: the category's last emoji is there, and no more are rendered than at the top.
    await grid(page).evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = grid(page).locator(`[aria-posinset="${setsize}"]`);
    await last.waitFor();
    assert.ok((await options.count()) < 120);
    const box = await last.boundingBox();
    const view = await grid(page).boundingBox();
    assert.ok(box && view && box.y + box.height <= view.y + view.height + 1, 'the last one is in view, not below the padding');
    // Back to the top by the arrow keys: each step lands on a rendered option and keeps it in view.
    await last.focus();
    for (let i = 0; i < Math.ceil(setsize / 8) + 2; i++) await page.keyboard.press('ArrowUp');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-posinset'));
    assert.ok(Number(focused) >= 1 && Number(focused) <= 8, `the arrows walked up to the first row (at ${focused})`);
    await page.keyboard.press('Escape');
    await picker(page).waitFor({ state: 'detached' });
  });

  it('search, a skin tone and recently used still work', async () => {
    const { page } = tab;
    await open();
    await picker(page).getByRole('radio', { name: 'Skin tone 3' }).click();
    await picker(page).getByRole('searchbox', { name: 'Search emoji' }).fill('thumbs up');
    const option = grid(page).getByRole('option', { name: 'thumbs up' }).first();
    assert.equal(await option.textContent(), '👍🏽', 'shown in the chosen tone');
    await option.click();
    const mine = page.getByRole('log', { name: 'emoji' }).getByRole('button', { name: /^👍🏽 1/ });
    await mine.waitFor();
    await open();
    assert.equal(await picker(page).getByRole('tab').first().getAttribute('aria-selected'), 'true');
    assert.equal(await grid(page).getByRole('option').first().textContent(), '👍🏽', 'the one just used comes first');
    await page.keyboard.press('Escape');
  });
});
