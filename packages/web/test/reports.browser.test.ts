import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type Tab } from './helpers/browser.ts';

/**
 * Reports in the browser (issue 18): Cleo reports Ben's message from its actions; Ann, the room's
 * owner, finds it in her Reports panel with the evidence as it was sent (not as it was edited
 * after), and resolves it with the action taken; Cleo sees the outcome. And Ben's new name reaches
 * Ann's screen live.
 */
const skip = browserSkip();
type Account = Awaited<ReturnType<typeof signup>>;

const timeline = (p: Page, room: string) => p.getByRole('log', { name: room });
const message = (p: Page, room: string, text: string) => timeline(p, room).getByRole('article').filter({ hasText: text });
const roomLink = (page: Page, name: RegExp) => page.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name });
const panel = (p: Page, name: string) => p.getByRole('complementary', { name });

async function logIn(page: Page, who: Account): Promise<void> {
  await page.goto('/');
  if (await page.getByRole('heading', { name: 'Create an account' }).isVisible())
    await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Username or email').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByLabel('Password').press('Enter');
}

async function openReports(page: Page) {
  await page.getByRole('button', { name: /^Settings:/ }).click();
  await panel(page, 'Your account').getByRole('button', { name: 'Reports', exact: true }).click();
  return panel(page, 'Reports');
}

describe('reports in the browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let ann: Account, ben: Account, cleo: Account;
  let annTab: Tab, cleoTab: Tab;
  let roomId: string;
  const room = 'Garden club';

  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
    await signup(server.url); // the server's admin
    ann = await signup(server.url, { display_name: 'Ann Archer' });
    ben = await signup(server.url, { display_name: 'Ben Baker' });
    cleo = await signup(server.url, { display_name: 'Cleo Cole' });
    roomId = (await ann.api.post('/rooms', { name: room })).body.id;
    for (const u of [ben, cleo]) await u.api.post(`/rooms/${roomId}/join`);
    [annTab, cleoTab] = [await openTab(browser, server), await openTab(browser, server)];
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Cleo reports a message from its actions; Ann resolves it from the evidence; Cleo sees the outcome', async () => {
    const sent = (await ben.api.post(`/rooms/${roomId}/messages`, { content: 'buy <b>cheap</b> pills' })).body;
    await logIn(cleoTab.page, cleo);
    await roomLink(cleoTab.page, /Garden club/).click();
    const theirs = message(cleoTab.page, room, 'buy');
    await theirs.hover();
    await theirs.getByRole('button', { name: 'Report message' }).click();
    const form = theirs.getByRole('form', { name: 'Report this message' });
    await form.getByLabel('Why are you reporting it?').fill('spam');
    await form.getByRole('button', { name: 'Report' }).click();
    await cleoTab.page.getByText('Reported: the room’s admins will review it.').waitFor();
    assert.equal((await ben.api.put(`/messages/${sent.id}`, { content: 'gardening tips' })).status, 200);

    await logIn(annTab.page, ann);
    await roomLink(annTab.page, /Garden club/).waitFor();
    const reports = await openReports(annTab.page);
    const item = reports.getByRole('region', { name: 'To review' }).getByRole('listitem', { name: 'Message by Ben Baker, open' });
    await item.waitFor();
    assert.equal(await item.locator('.report-evidence').textContent(), 'buy <b>cheap</b> pills', 'the evidence as sent, as text');
    assert.equal(await item.locator('.report-evidence b').count(), 0, 'never rendered as markup');
    await item.getByText('Cleo Cole: spam').waitFor();
    await item.getByLabel('Action taken').fill('message removed, Ben warned');
    await item.getByRole('button', { name: 'Resolve' }).click();
    await reports.getByRole('region', { name: 'To review' }).getByText('Nothing to review.').waitFor();

    const mine = await openReports(cleoTab.page);
    await mine.getByRole('region', { name: 'My reports' }).getByText('Resolved: message removed, Ben warned').waitFor();
    assert.deepEqual(cleoTab.problems.all(), []);
    assert.deepEqual(annTab.problems.all(), []);
  });

  it('a co-member’s new display name shows at once, without a reload (user_updated)', async () => {
    await (
      await ben.api.post(`/rooms/${roomId}/messages`, { content: 'a fresh hello' })
    ).body;
    await roomLink(annTab.page, /Garden club/).click();
    const hello = message(annTab.page, room, 'a fresh hello');
    await hello.waitFor();
    assert.match((await hello.getAttribute('aria-label')) ?? '', /^Ben Baker,/);
    assert.equal((await ben.api.patch('/users/me', { display_name: 'Benjamin B' })).status, 200);
    await timeline(annTab.page, room)
      .getByRole('article', { name: /^Benjamin B,/ })
      .first()
      .waitFor();
    assert.match((await hello.getAttribute('aria-label')) ?? '', /^Benjamin B,/);
    assert.equal(
      await timeline(annTab.page, room)
        .getByRole('article', { name: /^Ben Baker,/ })
        .count(),
      0,
      'no stale name left on screen',
    );
  });
});
