/**
 * Profiles, the notification centre and the account panel across two people, each in a browser
 * context of their own, against a real server serving the real build (the shared harness).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RoomsClient } from '@rooms/client';
import type { Browser, Page } from 'playwright-core';
import { TEST_SETUP_TOKEN, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type Tab } from './helpers/browser.ts';

// ── The flow ────────────────────────────────────────────────────────────────────────────────────

const PASSWORD = 'password-123';

/** A tab signed in through the login form, showing the app. */
async function signIn(browser: Browser, server: TestServer, username: string): Promise<Tab> {
  const tab = await openTab(browser, server);
  await tab.page.goto('/');
  await tab.page.getByLabel('Username or email').fill(username);
  await tab.page.getByLabel('Password').fill(PASSWORD);
  await tab.page.getByRole('button', { name: 'Log in' }).click();
  await tab.page.getByRole('navigation', { name: 'Rooms' }).waitFor();
  return tab;
}

async function signUp(api: string, username: string, displayName: string, setup = false) {
  const client = new RoomsClient({ baseUrl: api });
  const session = await client.auth.signup({
    username,
    email: `${username}@example.test`,
    password: PASSWORD,
    display_name: displayName,
    ...(setup ? { setup_token: TEST_SETUP_TOKEN } : {}),
  });
  return { client, id: session.user.id };
}

const roomLink = (page: Page, name: RegExp) => page.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name });
const panel = (page: Page, name: string) => page.getByRole('complementary', { name });

async function send(page: Page, room: string, text: string): Promise<void> {
  const box = page.getByRole('region', { name: room }).getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

const skip = browserSkip();

let server: TestServer;
let browser: Browser;
let lobbyId: string;

before(async () => {
  if (skip) return;
  server = await startRoomsServer();
  browser = await launchBrowser();
  const a = await signUp(server.url, 'alice', 'Alice Archer', true);
  const b = await signUp(server.url, 'bob', 'Bob Builder');
  const lobby = await a.client.rooms.create({ name: 'lobby' });
  lobbyId = lobby.id;
  await b.client.rooms.join(lobby.id);
  await b.client.messages.send(lobby.id, { content: 'Hello from Bob' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('people, notifications and the account across two people', { skip, timeout: 180_000 }, async (t) => {
  const A = await signIn(browser, server, 'alice');
  const B = await signIn(browser, server, 'bob');
  // Bob's second browser: signed out when Bob changes his password elsewhere.
  const B2 = await signIn(browser, server, 'bob');

  await t.test("A opens B's profile from a message, follows, and messages B directly", async () => {
    const { page } = A;
    await roomLink(page, /lobby/).click();
    await page.getByRole('region', { name: 'lobby' }).getByRole('button', { name: 'Bob Builder', exact: true }).first().click();
    const profile = panel(page, 'Profile');
    await profile.getByRole('heading', { name: 'Bob Builder' }).waitFor();
    await profile.getByRole('button', { name: 'Follow', exact: true }).click();
    await profile.getByRole('button', { name: 'Unfollow' }).waitFor();
    assert.equal(await profile.locator('.profile-counts div', { hasText: 'Followers' }).locator('dd').textContent(), '1');

    await profile.getByRole('button', { name: 'Message' }).click();
    const direct = page.getByRole('region', { name: 'Bob Builder' });
    await direct.waitFor();
    await send(page, 'Bob Builder', 'Hi Bob, a direct hello');
    await direct.locator('.message:not(.pending)', { hasText: 'Hi Bob, a direct hello' }).waitFor();
    // B has the direct room too, live.
    await roomLink(B.page, /Alice Archer/).waitFor();
  });

  await t.test("B's notification centre shows A's mention live; clicking it lands on the message", async () => {
    await B.page.getByRole('button', { name: 'Notifications' }).click();
    const centre = panel(B.page, 'Notifications');
    await centre
      .getByRole('status')
      .filter({ hasText: /unread|caught up/ })
      .waitFor();

    await roomLink(A.page, /lobby/).click();
    await send(A.page, 'lobby', '@bob please look at this');

    const item = centre.getByRole('button', { name: /Alice Archer mentioned you in #lobby/ });
    await item.waitFor();
    assert.match((await item.textContent()) ?? '', /please look at this/);
    await item.click();
    await B.page.waitForURL(new RegExp(`/r/${lobbyId}/m/[0-9a-f-]+$`));
    await B.page.getByRole('region', { name: 'lobby' }).locator('.message', { hasText: 'please look at this' }).waitFor();
    // Read now: the item is no longer marked unread.
    await centre.getByRole('button', { name: /^Unread: Alice Archer mentioned you/ }).waitFor({ state: 'detached' });
  });

  await t.test('B renames himself; A sees the new name (after a reload at least)', async () => {
    await B.page.getByRole('button', { name: /^Settings:/ }).click();
    const account = panel(B.page, 'Your account');
    await account.getByLabel('Display name').fill('Bobby Tables');
    await account.getByRole('button', { name: 'Save profile' }).click();
    await account.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
    await B.page.getByRole('button', { name: 'Settings: Bobby Tables' }).waitFor();

    await A.page.reload();
    await roomLink(A.page, /Bobby Tables/).waitFor();
  });

  await t.test("B blocks A; A's direct message is refused with the reason", async () => {
    await roomLink(B.page, /lobby/).click();
    await B.page.getByRole('region', { name: 'lobby' }).getByRole('button', { name: 'Alice Archer', exact: true }).first().click();
    const profile = panel(B.page, 'Profile');
    await profile.getByRole('heading', { name: 'Alice Archer' }).waitFor();
    await profile.getByRole('button', { name: 'Block', exact: true }).click();
    await profile.getByRole('group', { name: 'Block Alice Archer?' }).getByRole('button', { name: 'Block', exact: true }).click();
    await profile.getByRole('button', { name: 'Unblock' }).waitFor();

    await roomLink(A.page, /Bobby Tables/).click();
    await send(A.page, 'Bobby Tables', 'Are you there?');
    const refused = A.page.getByRole('article', { name: /not sent/ }).filter({ hasText: 'Are you there?' });
    await refused.getByRole('alert').filter({ hasText: 'You cannot message this user.' }).waitFor();
  });

  await t.test("B's password change signs B's other browser out with the reason; this one stays signed in", async () => {
    await B.page.getByRole('button', { name: /^Settings:/ }).click();
    const account = panel(B.page, 'Your account');
    await account.getByLabel('Current password').fill(PASSWORD);
    await account.getByLabel('New password', { exact: true }).fill('a-new-password-456');
    await account.getByLabel('New password again').fill('a-new-password-456');
    await account.getByRole('button', { name: 'Change password' }).click();
    await account.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();

    await B2.page
      .getByText(
        'You were signed out: this session was ended from another device, your password was changed, or you logged out everywhere.',
      )
      .waitFor();
    await B2.page.getByRole('button', { name: 'Log in' }).waitFor();

    // This tab went on with the fresh token: live (a message goes out) and after a reload.
    await roomLink(B.page, /lobby/).click();
    await send(B.page, 'lobby', 'Still here after the password change');
    await A.page.reload();
    await roomLink(A.page, /lobby/).click();
    await A.page.getByRole('region', { name: 'lobby' }).locator('.message', { hasText: 'Still here after the password change' }).waitFor();
    await B.page.reload();
    await B.page.getByRole('navigation', { name: 'Rooms' }).waitFor();
    assert.equal(await B.page.getByRole('button', { name: 'Log in' }).count(), 0);
  });

  for (const tab of [A, B, B2]) await tab.context.close();
});
