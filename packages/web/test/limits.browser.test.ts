/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer } from './helpers/browser.ts';

/** The forms follow the server's configured limits (GET /limits), not the defaults built into the app. */
const skip = browserSkip();

describe('configured limits in the browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startRoomsServer({ USERNAME_MAX: 30, PASSWORD_MIN: 12, DISPLAY_NAME_MAX: 10 });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the sign-up form allows the configured username, password and display name lengths', async () => {
    const { page, problems } = await openTab(browser, server);
    await page.goto('/');
    await page.getByRole('button', { name: 'Create an account' }).click();
    const form = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Create an account' }) });
    await form.waitFor();
    const attr = (name: string, a: string) => form.locator(`input[name="${name}"]`).getAttribute(a);
    assert.equal(await attr('username', 'maxlength'), '30');
    assert.equal(await attr('password', 'minlength'), '12');
    assert.equal(await attr('display_name', 'maxlength'), '10');
    assert.deepEqual(problems.all(), []);
  });
});
