/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { client, signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer } from './helpers/browser.ts';

/** Account settings, "Sessions": where I am signed in, and signing one of them out. */
const skip = browserSkip();
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

describe('my sessions in the browser', { skip }, () => {
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

  it('lists where I am signed in, signs another session out at once, and log out ends this one on the server', async () => {
    const u = await signup(server.url, { display_name: 'Sess Ion' });
    const phone = await client(server.url).post(
      '/auth/login',
      { username: u.username, password: u.password },
      { 'user-agent': IPHONE, 'x-rooms-client': 'Rooms iOS' },
    );
    assert.equal(phone.status, 200);

    const { page, context } = await openTab(browser, server);
    await page.goto('/');
    await page.getByLabel('Username or email').fill(u.username);
    await page.getByLabel('Password').fill(u.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Settings: Sess Ion' }).click();
    const list = page.getByRole('list', { name: 'Where you are signed in' });
    await list.waitFor();
    const items = list.getByRole('listitem');
    assert.equal(await items.count(), 3, 'sign-up, the phone and this browser');
    const here = items.filter({ hasText: 'This session' });
    assert.match(await here.innerText(), /Rooms web · Chrome on Linux/);
    const phoneItem = items.filter({ hasText: 'Rooms iOS · Safari on iOS' });
    // The list's reload after a sign-out answers late, as on a slow network: the row must leave
    // with the notice, not when the reload comes back.
    await page.route('**/auth/sessions', async (route) => {
      await new Promise((r) => setTimeout(r, 500));
      await route.continue();
    });
    await phoneItem.getByRole('button', { name: /^Sign out Rooms iOS · Safari on iOS, last active / }).click();
    await page.getByRole('status').filter({ hasText: 'Signed out Rooms iOS · Safari on iOS.' }).waitFor();
    assert.equal(await items.count(), 2);
    const phoneNow = await client(server.url, phone.body.token).get('/auth/me');
    assert.equal(phoneNow.status, 401, "the phone's token stopped working at once");

    const token = await page.evaluate(() => localStorage.getItem('rooms.token'));
    assert.ok(token);
    await here.getByRole('button', { name: /\(this session\)$/ }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    // The server ended it too: the token a copy of this tab held is refused.
    const deadline = Date.now() + 5000;
    while ((await client(server.url, token).get('/auth/me')).status !== 401) {
      assert.ok(Date.now() < deadline, 'log out did not end the session on the server');
      await new Promise((r) => setTimeout(r, 100));
    }
    await context.close();
  });
});
