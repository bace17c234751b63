import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type Tab } from './helpers/browser.ts';

/**
 * Issue 19: "Hide conversation" in a direct room's menu takes it out of the sidebar; a message
 * arriving in it (sent to the person in one call) brings it back, live; a group room keeps it
 * out of its menu.
 */
const skip = browserSkip();
const sidebar = (p: Page) => p.getByRole('navigation', { name: 'Rooms' });

describe('hiding a direct conversation in the browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let tab: Tab;
  let alice: Awaited<ReturnType<typeof signup>>;
  let bob: Awaited<ReturnType<typeof signup>>;

  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
    await signup(server.url); // the server's first account (its admin) is someone else
    alice = await signup(server.url, { display_name: 'Alice Archer' });
    bob = await signup(server.url, { display_name: 'Bob Builder' });
    tab = await openTab(browser, server);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Hide conversation removes it from the sidebar; Bob’s next message brings it back', async () => {
    const first = await bob.api.post(`/users/${alice.id}/messages`, { content: 'hello Alice' });
    assert.equal(first.status, 201);
    await alice.api.post('/rooms', { name: 'team', type: 'public' });
    const { page } = tab;
    await page.goto('/');
    await page.getByLabel('Username or email').fill(alice.username);
    await page.getByLabel('Password').fill(alice.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const bobLink = sidebar(page).getByRole('link', { name: /^Bob Builder/ });
    await bobLink.click();
    await page.getByRole('log', { name: 'Bob Builder' }).getByText('hello Alice').waitFor();

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Hide conversation' }).click();
    await bobLink.waitFor({ state: 'detached' });
    await sidebar(page).getByRole('link', { name: /^team/ }).waitFor();
    assert.equal(await bobLink.count(), 0);
    // The other person's list is theirs.
    assert.ok((await bob.api.get('/rooms')).body.items.some((r: { id: string }) => r.id === first.body.room_id));

    // A reload does not bring it back: the server keeps it hidden.
    await page.reload();
    await sidebar(page).getByRole('link', { name: /^team/ }).waitFor();
    assert.equal(await bobLink.count(), 0);
    await page.locator('.connection-connected').waitFor({ state: 'attached' });

    // Bob writes again: the room comes back, live, with the new message unread.
    assert.equal((await bob.api.post(`/users/by-name/${alice.username}/messages`, { content: 'are you ignoring me?' })).status, 201);
    await bobLink.waitFor();
    assert.match((await bobLink.getAttribute('aria-label')) ?? '', /^Bob Builder, \d+ unread/);

    // Hidden again without a reload (the room stays in the page's store): the next message shows it again too.
    await bobLink.click();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Hide conversation' }).click();
    await bobLink.waitFor({ state: 'detached' });
    assert.equal((await bob.api.post(`/users/${alice.id}/messages`, { content: 'one more' })).status, 201);
    await bobLink.waitFor();

    // A group room's menu has no such item.
    await sidebar(page).getByRole('link', { name: /^team/ }).click();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    assert.equal(await page.getByRole('menuitem', { name: 'Hide conversation' }).count(), 0);
    assert.deepEqual(tab.problems.pageErrors, []);
  });
});
