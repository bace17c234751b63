import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { dropRedisPrefix, freshRedisPrefix, nodeLauncher, sharedSecret } from '../../server/test/helpers/cluster.ts';
import { signup } from '../../server/test/helpers/server.ts';
import { freshPostgresDatabase, serviceUrl } from '../../server/test/helpers/services.ts';
import { webBuild } from './helpers/build.ts';
import { browserSkip, launchBrowser, openTab, type Tab } from './helpers/browser.ts';

/**
 * Scaled mode in the browser: two server processes on one PostgreSQL and one Redis, each person's
 * browser on a different node. Messages, typing, reactions, edits and read receipts cross nodes live.
 */
const pgUrl = serviceUrl('TEST_DATABASE_URL');
const redisUrl = serviceUrl('TEST_REDIS_URL');
const skip = browserSkip() || (pgUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL');

const composer = (p: Page) => p.getByRole('textbox', { name: 'Message', exact: true });
const message = (p: Page, text: string) => p.getByRole('log', { name: 'across' }).getByRole('article').filter({ hasText: text });

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

describe('two nodes, two browsers (PostgreSQL + Redis)', { skip }, () => {
  const launcher = nodeLauncher();
  const prefix = freshRedisPrefix();
  let drop: (() => Promise<void>) | undefined;
  let browser: Browser;
  let ann: Tab, ben: Tab;

  before(async () => {
    const db = await freshPostgresDatabase(pgUrl!);
    drop = db.drop;
    const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, JWT_SECRET: sharedSecret(), WEB_DIR: webBuild() };
    const [a, b] = await Promise.all([launcher.start(env), launcher.start(env)]);
    assert.notEqual(a.url, b.url);
    const annUser = await signup(a.url, { display_name: 'Ann' });
    const benUser = await signup(b.url, { display_name: 'Ben' });
    const room = (await annUser.api.post('/rooms', { name: 'across', type: 'public' })).body;
    await benUser.api.post(`/rooms/${room.id}/join`);
    browser = await launchBrowser();
    [ann, ben] = [await openTab(browser, a), await openTab(browser, b)];
    await logIn(ann.page, annUser.username, annUser.password);
    await logIn(ben.page, benUser.username, benUser.password);
    await ann.page.getByRole('log', { name: 'across' }).waitFor();
    await ben.page.getByRole('log', { name: 'across' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await launcher.cleanup();
    await drop?.();
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  it('typing, messages, reactions, edits and read receipts cross from node to node', async () => {
    await composer(ben.page).pressSequentially('from node B', { delay: 40 });
    await ann.page.getByText('Ben is typing…').waitFor();
    await composer(ben.page).press('Enter');
    await message(ann.page, 'from node B').waitFor();

    await composer(ann.page).fill('from node A');
    await composer(ann.page).press('Enter');
    await message(ben.page, 'from node A').waitFor();
    await message(ann.page, 'from node A').getByRole('button', { name: 'Read by 1' }).waitFor();

    const theirs = message(ann.page, 'from node B');
    await theirs.hover();
    await theirs.getByRole('button', { name: 'React' }).click();
    await ann.page.getByRole('searchbox', { name: 'Search emoji' }).fill('tada');
    await ann.page.getByRole('option', { name: 'party popper' }).first().click();
    await message(ben.page, 'from node B').getByRole('button', { name: /^🎉 1/ }).waitFor();

    await composer(ben.page).press('ArrowUp');
    await composer(ben.page).fill('from node B, edited');
    await composer(ben.page).press('Enter');
    await message(ann.page, 'from node B, edited').getByText('(edited)').waitFor();
    assert.deepEqual([...ann.problems.pageErrors, ...ben.problems.pageErrors], []);
  });
});
