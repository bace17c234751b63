/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer } from './helpers/browser.ts';

/** Logging in by username or email (choosing among accounts that share both), out, and out everywhere. */
const skip = browserSkip();

const signedInAs = (page: Page) => page.getByRole('button', { name: /^Settings: / }).getAttribute('aria-label');

describe('sessions in the browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  const shared = { email: 'twins@example.test', password: 'same password 1' };

  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
    await signup(server.url);
    await signup(server.url, { username: 'twin_one', display_name: 'Twin One', ...shared });
    await signup(server.url, { username: 'twin_two', display_name: 'Twin Two', ...shared });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('by email shared by two accounts: the user picks one and is signed in as that one; a reload keeps the session', async () => {
    const { page, context } = await openTab(browser, server);
    await page.goto('/');
    await page.getByLabel('Username or email').fill(shared.email);
    await page.getByLabel('Password').fill(shared.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
    await page.getByRole('button', { name: /Twin Two/ }).click();
    assert.equal(await signedInAs(page), 'Settings: Twin Two');
    await page.reload();
    assert.equal(await signedInAs(page), 'Settings: Twin Two');
    await context.close();
  });

  it('a wrong password says so and signs nobody in', async () => {
    const { page, context } = await openTab(browser, server);
    await page.goto('/');
    await page.getByLabel('Username or email').fill('twin_one');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('rooms.token')), null);
    await context.close();
  });

  it('log out ends this browser’s session; log out everywhere sends the other browsers back to the login screen with the reason', async () => {
    const one = await openTab(browser, server);
    const two = await openTab(browser, server);
    for (const { page } of [one, two]) {
      await page.goto('/');
      await page.getByLabel('Username or email').fill('twin_one');
      await page.getByLabel('Password').fill(shared.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      assert.equal(await signedInAs(page), 'Settings: Twin One');
    }
    await one.page.getByRole('button', { name: 'Account menu' }).click();
    await one.page.getByRole('menuitem', { name: 'Log out everywhere' }).click();
    await one.page.getByRole('heading', { name: 'Log in' }).waitFor();
    await two.page.getByRole('heading', { name: 'Log in' }).waitFor();
    assert.match(await two.page.getByRole('status').first().innerText(), /signed out/i);
    await two.page.reload();
    await two.page.getByRole('heading', { name: 'Log in' }).waitFor();
    // Log out: back to the login screen, and a reload does not sign in again.
    await two.page.getByLabel('Username or email').fill('twin_one');
    await two.page.getByLabel('Password').fill(shared.password);
    await two.page.getByRole('button', { name: 'Log in' }).click();
    await two.page.getByRole('button', { name: 'Account menu' }).click();
    await two.page.getByRole('menuitem', { name: 'Log out', exact: true }).click();
    await two.page.getByRole('heading', { name: 'Log in' }).waitFor();
    await two.page.reload();
    await two.page.getByRole('heading', { name: 'Log in' }).waitFor();
    await one.context.close();
    await two.context.close();
  });
});
