import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../server/test/helpers/server.ts';
import { signup } from '../../server/test/helpers/server.ts';
import { browserSkip, lateFrames, launchBrowser, openTab, startRoomsServer, type Tab } from './helpers/browser.ts';

/**
 * Two people in two browser contexts, through the real UI against a real server: sign up, a
 * private room, an invite link, live chat both ways, typing, reactions, read receipts, edits and
 * deletes, a thread, a server restart mid-conversation, and an @ completion typed straight on from.
 */
const skip = browserSkip();

const composer = (p: Page) => p.getByRole('textbox', { name: 'Message', exact: true });
const timeline = (p: Page, room: string) => p.getByRole('log', { name: room });
const message = (p: Page, room: string, text: string) => timeline(p, room).getByRole('article').filter({ hasText: text });

async function signUpInUi(page: Page, path: string, username: string, password: string): Promise<void> {
  await page.goto(path);
  if (await page.getByRole('heading', { name: 'Log in' }).isVisible())
    await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(username === 'ann' ? 'Ann Archer' : 'Ben Baker');
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

describe('chat in the browser: two people', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let ann: Tab, ben: Tab;
  let roomName: string;

  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
    await signup(server.url); // the server's first account (its admin) is someone else
    [ann, ben] = [await openTab(browser, server), await openTab(browser, server)];
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Ann signs up, creates a private room and an invite; Ben signs up from the link and joins', async () => {
    await signUpInUi(ann.page, '/', 'ann', 'ann password 1');
    await ann.page.getByRole('heading', { name: 'Welcome to Rooms' }).waitFor();
    // The room and the invite through the same SDK the UI uses (the dialogs have their own suite).
    const token = await ann.page.evaluate(() => localStorage.getItem('rooms.token'));
    assert.ok(token, 'the session is kept for reloads');
    roomName = 'Plans';
    const api = (await import('../../server/test/helpers/server.ts')).client(server.url, token!);
    const room = (await api.post('/rooms', { name: roomName, type: 'private' })).body;
    const invite = (await api.post(`/rooms/${room.id}/invites`, {})).body;
    await ann.page.reload();
    await timeline(ann.page, roomName).waitFor();

    await ben.page.goto(`/invite/${invite.code}`);
    await ben.page.getByRole('region', { name: 'Invitation' }).getByText(roomName).waitFor();
    await signUpInUi(ben.page, `/invite/${invite.code}`, 'ben', 'ben password 1');
    // Signing up from the link joins the room and opens it.
    await timeline(ben.page, roomName).waitFor();
    // Ann sees Ben join without a reload.
    await ann.page.getByRole('button', { name: 'Members' }).waitFor();
    // …as a system message: one centred muted line with his current name.
    const joined = timeline(ann.page, roomName).locator('article.message.system');
    await joined.filter({ hasText: 'Ben Baker joined' }).waitFor();
    assert.equal(await joined.count(), 1);
    assert.equal(await joined.getByRole('button').count(), 0, 'nothing to edit, delete or react to');
    assert.equal(await joined.evaluate((el) => getComputedStyle(el).textAlign), 'center');
  });

  it('messages go both ways live, with typing shown while the other types', async () => {
    await composer(ben.page).pressSequentially('Hi Ann', { delay: 40 });
    await ann.page.getByText('Ben Baker is typing…').waitFor();
    await composer(ben.page).press('Enter');
    await message(ann.page, roomName, 'Hi Ann').waitFor();
    const article = message(ann.page, roomName, 'Hi Ann');
    assert.match((await article.getAttribute('aria-label')) ?? '', /^Ben Baker/);
    await send(ann.page, 'Hello **Ben**');
    await message(ben.page, roomName, 'Hello Ben').waitFor();
    assert.equal(await message(ben.page, roomName, 'Hello Ben').locator('strong').textContent(), 'Ben', 'Markdown is rendered');
    await ann.page.getByText('Ben Baker is typing…').waitFor({ state: 'detached' });
  });

  it('a reaction, a read receipt, an edit and a delete are seen by the other live', async () => {
    const theirs = message(ann.page, roomName, 'Hi Ann');
    await theirs.hover();
    await theirs.getByRole('button', { name: 'React' }).click();
    await ann.page.getByRole('searchbox', { name: 'Search emoji' }).fill('thumbs up');
    await ann.page.getByRole('option', { name: 'thumbs up' }).first().click();
    await message(ben.page, roomName, 'Hi Ann').getByRole('button', { name: /^👍 1/ }).waitFor();

    // Ben has Ann's message on screen: Ann's newest message says it was read.
    await send(ann.page, 'Did you read this?');
    await message(ben.page, roomName, 'Did you read this?').waitFor();
    await message(ann.page, roomName, 'Did you read this?').getByRole('button', { name: 'Read by 1' }).waitFor();

    await composer(ben.page).press('ArrowUp');
    await assert.doesNotReject(ben.page.getByText('Editing message').waitFor());
    await composer(ben.page).fill('Hi Ann, edited');
    await composer(ben.page).press('Enter');
    await message(ann.page, roomName, 'Hi Ann, edited').getByText('(edited)').waitFor();

    const mine = message(ben.page, roomName, 'Hi Ann, edited');
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete' }).click();
    await mine.getByRole('button', { name: 'Delete', exact: true }).click();
    await timeline(ann.page, roomName).getByText('This message was deleted.').waitFor();
    assert.equal(await message(ann.page, roomName, 'Hi Ann, edited').count(), 0);
  });

  it('a thread: Ben replies in the side panel, Ann sees the reply count and the reply', async () => {
    const parent = message(ben.page, roomName, 'Hello Ben');
    await parent.hover();
    await parent.getByRole('button', { name: 'Reply in thread' }).click();
    const panel = ben.page.getByRole('complementary', { name: 'Thread' });
    await panel.getByRole('textbox', { name: 'Reply' }).fill('In the thread');
    await panel.getByRole('textbox', { name: 'Reply' }).press('Enter');
    await panel.getByRole('log', { name: 'Thread replies' }).getByText('In the thread').waitFor();
    const summary = message(ann.page, roomName, 'Hello Ben').getByRole('button', { name: '1 reply' });
    await summary.click();
    await ann.page.getByRole('complementary', { name: 'Thread' }).getByText('In the thread').waitFor();
    assert.equal(await message(ann.page, roomName, 'In the thread').count(), 0, 'replies stay in their thread');
    await ann.page.keyboard.press('Escape');
  });

  it('the server restarts mid-conversation: what Ben typed meanwhile arrives once, in order', async () => {
    await server.stopApp();
    await ben.page
      .getByRole('status')
      .filter({ hasText: /Disconnected|Connecting/ })
      .waitFor();
    for (const text of ['while down 1', 'while down 2', 'while down 3']) await send(ben.page, text);
    await timeline(ben.page, roomName).getByText('Sending…').first().waitFor();
    await server.startApp();
    await message(ann.page, roomName, 'while down 3').waitFor({ timeout: 30_000 });
    const texts = await timeline(ann.page, roomName).getByRole('article').allTextContents();
    const order = texts.filter((t) => t.includes('while down')).map((t) => /while down \d/.exec(t)![0]);
    assert.deepEqual(order, ['while down 1', 'while down 2', 'while down 3']);
    await ben.page.reload();
    await message(ben.page, roomName, 'while down 3').waitFor();
    assert.equal(await message(ben.page, roomName, 'while down 2').count(), 1, 'stored once');
    assert.equal(await timeline(ben.page, roomName).getByText('Sending…').count(), 0);
    assert.deepEqual(ann.problems.pageErrors, []);
    assert.deepEqual(ben.problems.pageErrors, []);
  });

  it('@ completes a member; the keys typed right after it land after it even when a frame comes late', async () => {
    const p = ben.page;
    await composer(p).pressSequentially('@an');
    await p
      .getByRole('listbox', { name: 'Suggestions' })
      .getByRole('option', { name: /Ann Archer.*@ann/ })
      .waitFor();
    // A busy machine draws late: a caret put back a frame after the completion would split what follows.
    const onTime = await lateFrames(p, 300);
    await composer(p).press('Tab');
    await composer(p).press('l');
    await p.waitForTimeout(600); // the late frame comes between two keys
    await composer(p).pressSequentially('ook at this');
    await onTime();
    assert.equal(await composer(p).inputValue(), '@ann look at this');
    await composer(p).press('Enter');
    await message(ann.page, roomName, '@ann look at this').waitFor();
  });
});
