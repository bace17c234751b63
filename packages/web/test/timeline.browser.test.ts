/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type Tab } from './helpers/browser.ts';

/**
 * The timeline with a long history: a bounded number of nodes, the position kept exactly on
 * prepend and across room switches, deep links that scroll to and highlight a message.
 */
const skip = browserSkip();
const COUNT = 600;

/** The first message whose bottom is below the top of the log, and its distance from that top. */
const topVisible = (page: Page, room: string) =>
  page.getByRole('log', { name: room }).evaluate((log) => {
    const top = log.getBoundingClientRect().top;
    for (const el of log.querySelectorAll<HTMLElement>('article[data-mid]')) {
      const r = el.getBoundingClientRect();
      if (r.bottom > top) return { id: el.dataset.mid!, offset: Math.round(r.top - top) };
    }
    return null;
  });

const nodes = (page: Page) => page.locator('article[data-mid]').count();

describe('timeline with a long history', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let tab: Tab;
  const ids: string[] = [];
  let longId = '';
  let firstId = '';
  let otherId = '';
  let bobPost: (content: string) => Promise<unknown> = async () => {};

  before(async () => {
    server = await startRoomsServer({ MESSAGE_RATE_LIMIT: 100_000 });
    browser = await launchBrowser();
    const alice = await signup(server.url);
    const bob = await signup(server.url, { display_name: 'Bob' });
    longId = (await alice.api.post('/rooms', { name: 'long', type: 'public' })).body.id;
    otherId = (await alice.api.post('/rooms', { name: 'other', type: 'public' })).body.id;
    await bob.api.post(`/rooms/${longId}/join`);
    bobPost = (content) => bob.api.post(`/rooms/${longId}/messages`, { content });
    // The room's first message is the system message "Bob joined".
    const joined = (await alice.api.get(`/rooms/${longId}/messages?after=0&limit=1`)).body.items[0];
    assert.equal(joined.type, 'system');
    firstId = joined.id;
    for (let i = 0; i < COUNT; i++) {
      // Varied heights: some messages span several lines.
      const content = i % 7 === 0 ? `number ${i}\nwith a second line\nand a third` : `number ${i}`;
      const r = await (i % 3 ? bob : alice).api.post(`/rooms/${longId}/messages`, { content });
      ids.push(r.body.id);
    }
    await alice.api.post(`/rooms/${otherId}/messages`, { content: 'in the other room' });
    tab = await openTab(browser, server);
    await tab.page.goto('/');
    await tab.page.getByLabel('Username or email').fill(alice.username);
    await tab.page.getByLabel('Password').fill(alice.password);
    await tab.page.getByRole('button', { name: 'Log in' }).click();
    await tab.page.getByRole('navigation', { name: 'Rooms' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('scrolling back to the beginning: at most 300 message nodes, and no jump at any prepend', async () => {
    const { page } = tab;
    await page.goto(`/r/${longId}`);
    const log = page.getByRole('log', { name: 'long' });
    await log.getByText(`number ${COUNT - 1}`, { exact: true }).waitFor();
    let maxNodes = 0;
    let worstDrift = 0;
    for (let step = 0; step < 400; step++) {
      const before = await topVisible(page, 'long');
      // A small scroll up, like a wheel: the content above may grow meanwhile. The browser clamps it
      // at the top (when older messages are slow to come, under load), so what counts is how far
      // it really went: a 400 px expectation read a clamped scroll as a jump (CI: 24 px).
      const scrolled = await log.evaluate((el) => {
        const top = el.scrollTop;
        el.scrollBy(0, -400);
        return top - el.scrollTop;
      });
      await page.waitForTimeout(40);
      await page.evaluate(() => new Promise(requestAnimationFrame));
      const after = await topVisible(page, 'long');
      // Where the previous top message is now, against where that scroll put it.
      const moved = await log.evaluate((el, id) => {
        const node = el.querySelector<HTMLElement>(`[data-mid="${id}"]`);
        return node ? Math.round(node.getBoundingClientRect().top - el.getBoundingClientRect().top) : null;
      }, before!.id);
      if (moved !== null) worstDrift = Math.max(worstDrift, Math.abs(moved - (before!.offset + scrolled)));
      maxNodes = Math.max(maxNodes, await nodes(page));
      if (after && after.id === firstId && (await log.getByText('This is the beginning of long.').isVisible())) break;
    }
    assert.equal((await topVisible(page, 'long'))?.id, firstId, 'reached the first message ("Bob joined")');
    assert.ok(maxNodes <= 300, `at most 300 message nodes (${maxNodes})`);
    assert.ok(worstDrift <= 1, `the view never jumped on a prepend (worst ${worstDrift} px)`);
  });

  it('switching to another room and back restores the exact position', async () => {
    const { page } = tab;
    const log = page.getByRole('log', { name: 'long' });
    await log.evaluate((el) => el.scrollBy(0, 1500));
    await page.waitForTimeout(200);
    const before = await topVisible(page, 'long');
    await page
      .getByRole('navigation', { name: 'Rooms' })
      .getByRole('link', { name: /^other/ })
      .click();
    await page.getByRole('log', { name: 'other' }).getByText('in the other room').waitFor();
    await page.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name: /^long/ }).click();
    await log.waitFor();
    await page.evaluate(() => new Promise(requestAnimationFrame));
    // The same message at the top, where it was: within a pixel (the room comes back with a smaller
    // window, so its rows start at other sub-pixel positions and scrollTop is whole pixels).
    const back = await topVisible(page, 'long');
    assert.equal(back?.id, before?.id);
    assert.ok(Math.abs(back!.offset - before!.offset) <= 1, `offset ${back?.offset}, was ${before?.offset}`);
  });

  it('a room left stays mounted but hidden: out of the accessibility tree, fed live, trimmed, and back at the exact position', async () => {
    const { page } = tab;
    const nav = page.getByRole('navigation', { name: 'Rooms' });
    const log = page.getByRole('log', { name: 'long' });
    await page.goto(`/r/${longId}`);
    await log.getByText(`number ${COUNT - 1}`, { exact: true }).waitFor();
    await log.evaluate((el) => el.scrollBy(0, -700));
    await page.waitForTimeout(200);
    const before = await topVisible(page, 'long');
    await nav.getByRole('link', { name: /^other/ }).click();
    await page.getByRole('log', { name: 'other' }).getByText('in the other room').waitFor();
    // Kept (App.tsx), not unmounted, yet neither seen nor found by role.
    assert.equal(await page.locator('section.room.kept[aria-label="long"]').count(), 1, 'long is kept mounted');
    assert.equal(await log.count(), 0, 'the hidden room is out of the accessibility tree');
    assert.equal(await page.locator('section.room.kept').getByRole('article').count(), 0);
    // A message while it is hidden, and long enough hidden to be trimmed to a screenful (Timeline).
    await bobPost('sent while long was hidden');
    await page.waitForTimeout(3500);
    const keptNodes = await page.locator('section.room.kept article[data-mid]').count();
    assert.ok(keptNodes <= 40, `the hidden room holds a screenful of messages (${keptNodes})`);
    await nav.getByRole('link', { name: /^long/ }).click();
    await log.waitFor();
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const back = await topVisible(page, 'long');
    assert.equal(back?.id, before?.id);
    assert.ok(Math.abs(back!.offset - before!.offset) <= 1, `offset ${back?.offset}, was ${before?.offset}`);
    // Down to the newest: the message sent meanwhile is there.
    const live = log.getByText('sent while long was hidden');
    for (let i = 0; i < 50 && !(await live.isVisible()); i++) {
      await log.evaluate((el) => el.scrollBy(0, 1200));
      await page.waitForTimeout(60);
    }
    assert.ok(await live.isVisible(), 'the message sent while the room was hidden is in it');
  });

  it('a deep link scrolls to the message and highlights it; newer messages load forwards; jump to latest', async () => {
    const { page } = tab;
    const target = ids[100]!;
    await page.goto(`/r/${longId}/m/${target}`);
    const article = page.locator(`article[data-mid="${target}"]`);
    await article.waitFor();
    assert.match((await article.getAttribute('class')) ?? '', /highlighted/);
    assert.ok(await article.isVisible());
    const box = await article.boundingBox();
    assert.ok(box && box.y > 0 && box.y < 800, 'in view');
    await page.getByRole('button', { name: /Jump to latest/ }).click();
    await page
      .getByRole('log', { name: 'long' })
      .getByText(`number ${COUNT - 1}`, { exact: true })
      .waitFor();
    await page.getByRole('button', { name: /Jump to latest/ }).waitFor({ state: 'detached' });
    // Forwards after a jump: scrolling down from an old message reaches the newest.
    await page.goto(`/r/${longId}/m/${ids[300]}`);
    await page.locator(`article[data-mid="${ids[300]}"]`).waitFor();
    const log = page.getByRole('log', { name: 'long' });
    for (let i = 0; i < 200 && !(await log.getByText(`number ${COUNT - 1}`, { exact: true }).isVisible()); i++) {
      await log.evaluate((el) => el.scrollBy(0, 1200));
      await page.waitForTimeout(60);
    }
    assert.ok(await log.getByText(`number ${COUNT - 1}`, { exact: true }).isVisible(), 'scrolled forwards to the newest message');
    assert.ok((await nodes(page)) <= 300);
  });
});
