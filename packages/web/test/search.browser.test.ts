/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, lateFrames, launchBrowser, openPeople, openTab, type Person, startRoomsServer } from './helpers/browser.ts';
import { logIn } from './helpers/screens.ts';

/**
 * Message search through the real UI against a real server, two people: Ctrl/Cmd+F and the header
 * button, a partial word and CJK found, the matches in <mark>, a message that looks like HTML shown
 * as text, completions for from: and in:, filter chips, the order, more pages, a hit opening its
 * message in its room, and the server's words for a query it cannot read.
 */
const skip = browserSkip();

const panel = (p: Page) => p.getByRole('complementary', { name: 'Search', exact: true });
const box = (p: Page) => panel(p).getByRole('combobox', { name: 'Search messages' });
const results = (p: Page) => panel(p).getByRole('list', { name: 'Search results' });
const hits = (p: Page) => results(p).getByRole('article');
const hit = (p: Page, text: string) => hits(p).filter({ hasText: text });

/** Types a query and searches; resolves once its answer is shown. */
async function search(p: Page, q: string): Promise<void> {
  await box(p).fill(q);
  const answered = p.waitForResponse((r) => new URL(r.url()).pathname === '/search' && new URL(r.url()).searchParams.get('q') === q);
  await box(p).press('Enter');
  await answered;
  await panel(p).getByText('Searching…').waitFor({ state: 'detached' });
}

const status = (p: Page, text: string) =>
  panel(p)
    .getByRole('status')
    .filter({ hasText: new RegExp(`^${text}$`) });

const marks = (p: Page, text: string) => hit(p, text).locator('mark').allTextContents();

describe('message search in the browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let ann: Person, ben: Person;
  let plans: { id: string; name: string };
  let other: { id: string; name: string };
  const ids: Record<string, string> = {};

  before(async () => {
    // The seed posts faster than a person types, and the test searches faster than one.
    server = await startRoomsServer({ MESSAGE_RATE_LIMIT: 1000, SEARCH_RATE_LIMIT: 1000 });
    browser = await launchBrowser();
    [ann, ben] = (await openPeople(browser, server, 2)) as [Person, Person];
    await ann.user.api.patch('/users/me', { display_name: 'Ann Archer' });
    await ben.user.api.patch('/users/me', { display_name: 'Ben Baker' });
    const tag = ann.user.username.slice(-4);
    plans = (await ann.user.api.post('/rooms', { name: `plans${tag}`, type: 'public' })).body;
    other = (await ann.user.api.post('/rooms', { name: `orbit${tag}`, type: 'public' })).body;
    for (const r of [plans, other]) assert.equal((await ben.user.api.post(`/rooms/${r.id}/join`)).status, 200);
    const say = async (who: Person, room: string, key: string, content: string) => {
      const res = await who.user.api.post(`/rooms/${room}/messages`, { content });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids[key] = res.body.id;
    };
    await say(ben, plans.id, 'before', 'Morning! What is the plan for this week?');
    await say(ann, plans.id, 'redeploy', 'We should redeploy the staging server on Friday.');
    await say(ben, plans.id, 'after', 'Fine by me, I will tell the others.');
    await say(ben, plans.id, 'tokyo', '来週は東京タワーに行った写真を送ります');
    await say(ben, plans.id, 'xss', '<img src=x onerror=alert(1)> zebrafish notes');
    await say(ann, other.id, 'orbit', 'Nobody should redeploy on a Friday, says Ann.');
    for (let i = 1; i <= 23; i++) await say(i % 2 ? ann : ben, other.id, `bulk${i}`, `checklist item ${i} for the quarterly review`);
    const reply = await ann.user.api.post(`/rooms/${other.id}/messages`, { content: 'A reply about walruses', parent_id: ids.bulk1 });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Ctrl+F opens the search; a part of a word finds the message, the match in <mark>, with its room, sender and a message of context each side', async () => {
    const p = ben.page;
    p.on('dialog', (d) => assert.fail(`a dialog opened: ${d.message()}`));
    await logIn(p, ben.user);
    await p.goto(`/r/${plans.id}`);
    await p.getByRole('log', { name: plans.name }).getByRole('article').first().waitFor();
    await p.getByRole('textbox', { name: 'Message', exact: true }).click();
    // Typed right after Ctrl+F (the panel's code was fetched while the app was idle), the keys land in the box.
    await p.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /SearchPanel-.*\.js$/.test(e.name)));
    await p.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve))); // the module has run
    await p.keyboard.press('Control+f');
    await p.keyboard.type('depl');
    await panel(p).getByRole('search', { name: 'Search messages' }).waitFor();
    assert.equal(await p.getByRole('textbox', { name: 'Message', exact: true }).inputValue(), '', 'nothing went to the composer');
    assert.equal(await p.evaluate(() => document.activeElement?.classList.contains('search-input')), true);
    assert.equal(await box(p).inputValue(), 'depl', 'the keys reached the box');
    // What is typed stays while the app's data changes around it (a message arriving live).
    await ann.user.api.post(`/rooms/${plans.id}/messages`, { content: 'Coffee first.' });
    await p.getByRole('log', { name: plans.name }).getByText('Coffee first.').waitFor();
    assert.equal(await box(p).inputValue(), 'depl');
    await search(p, 'deploy');
    await status(p, '2 results').waitFor();
    const found = hit(p, 'staging server');
    assert.deepEqual(await marks(p, 'staging server'), ['deploy']);
    const text = await found.textContent();
    assert.ok(text!.includes(plans.name) && text!.includes('Ann Archer'), text!);
    assert.ok(text!.includes('What is the plan for this week?'), `context before: ${text}`);
    assert.ok(text!.includes('Fine by me'), `context after: ${text}`);
    assert.deepEqual(await marks(p, 'says Ann'), ['deploy'], 'the hit in the other room too');
  });

  it('CJK without spaces: two characters inside a word are found and marked', async () => {
    const p = ben.page;
    await search(p, '東京');
    await hit(p, 'タワー').waitFor();
    assert.deepEqual(await marks(p, 'タワー'), ['東京']);
  });

  it('a message that looks like HTML is shown as text: no element is made from it, nothing runs', async () => {
    const p = ben.page;
    await search(p, 'zebrafish');
    const found = hit(p, 'zebrafish');
    await found.waitFor();
    assert.ok((await found.textContent())!.includes('<img src=x onerror=alert(1)> zebrafish'));
    assert.equal(await results(p).locator('img').count(), 0);
    assert.deepEqual(await marks(p, 'zebrafish'), ['zebrafish']);
  });

  it('completions: from: suggests people, in: suggests rooms; the filters show as chips', async () => {
    const p = ben.page;
    await box(p).fill('');
    await box(p).pressSequentially(`deploy from:${ann.user.username.slice(0, 3)}`);
    const person = panel(p).getByRole('option', { name: new RegExp(`Ann Archer.*@${ann.user.username}`) });
    await person.waitFor();
    // Frames come late on a busy machine: the keys typed right after a completion must still land
    // after it (a caret placed a frame later would be sent back behind them).
    const onTime = await lateFrames(p, 300);
    await box(p).press('Enter'); // takes the first completion
    await box(p).press('i');
    await p.waitForTimeout(600); // the late frame comes between two keys
    await box(p).pressSequentially(`n:${plans.name.slice(0, 4)}`);
    await onTime();
    assert.equal(await box(p).inputValue(), `deploy from:${ann.user.username} in:${plans.name.slice(0, 4)}`);
    await panel(p)
      .getByRole('option', { name: new RegExp(plans.name) })
      .click();
    assert.equal(await box(p).inputValue(), `deploy from:${ann.user.username} in:${plans.name} `);
    await box(p).press('Enter');
    await status(p, '1 result').waitFor();
    assert.equal(await hits(p).count(), 1);
    await hit(p, 'staging server').waitFor();
    const chips = panel(p).getByRole('list', { name: 'Filters' });
    await chips.getByText(`from:${ann.user.username}`).waitFor();
    // Removing the in: chip searches again without it: Ann's other messages come back.
    await chips.getByRole('button', { name: `Remove the filter in:${plans.name}` }).click();
    await status(p, '2 results').waitFor();
    assert.equal(await box(p).inputValue(), `deploy from:${ann.user.username}`);
    await hit(p, 'says Ann').waitFor();
  });

  it('the order, and more results with the cursor', async () => {
    const p = ben.page;
    await search(p, 'checklist');
    await status(p, '23 results').waitFor();
    assert.equal(await hits(p).count(), 20);
    await panel(p).getByRole('button', { name: 'Load more results' }).click();
    await p.waitForFunction(() => document.querySelectorAll('.search-results article').length === 23);
    assert.equal(await panel(p).getByRole('button', { name: 'Load more results' }).count(), 0, 'no more after the last page');
    await panel(p).getByRole('button', { name: 'Newest' }).click();
    await p.waitForFunction(() => document.querySelector('.search-results article')?.textContent?.includes('checklist item 23 '));
    assert.equal(await panel(p).getByRole('button', { name: 'Newest' }).getAttribute('aria-pressed'), 'true');
  });

  it('a click on a hit opens the message in its room, scrolled to and highlighted', async () => {
    const p = ben.page;
    await search(p, 'deploy');
    await hit(p, 'staging server').getByRole('link').click();
    await p.waitForURL(`**/r/${plans.id}/m/${ids.redeploy}`);
    const target = p.locator(`.timeline article[data-mid="${ids.redeploy}"]`);
    await target.and(p.locator('.highlighted')).waitFor();
    assert.ok(await target.isVisible());
    // The other room's hit opens that room.
    await hit(p, 'says Ann').getByRole('link').click();
    await p.waitForURL(`**/r/${other.id}/m/${ids.orbit}`);
    await p.locator(`.timeline article[data-mid="${ids.orbit}"]`).waitFor();
  });

  it('a query the server cannot read: its message, the box marked invalid', async () => {
    const p = ben.page;
    await search(p, 'deploy bogus:thing');
    const alert = panel(p).getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent())!, /bogus/);
    assert.equal(await box(p).getAttribute('aria-invalid'), 'true');
    assert.deepEqual([...ben.problems.pageErrors, ...ben.problems.cspViolations], [], 'no script error, nothing refused by the CSP');
  });

  it('a hit that is a reply in a thread opens the thread beside its first message', async () => {
    const p = ben.page;
    await p.keyboard.press('Control+f');
    await search(p, 'walruses');
    const found = hit(p, 'walruses');
    await found.getByText('reply', { exact: true }).waitFor();
    await found.getByRole('link').click();
    await p.waitForURL(`**/r/${other.id}/m/${ids.bulk1}`);
    await p.getByRole('complementary', { name: 'Thread' }).getByText('A reply about walruses').waitFor();
    await p.locator(`.timeline article[data-mid="${ids.bulk1}"]`).waitFor();
  });

  it('results follow their messages: an edit shows the new text, a deletion takes the hit away', async () => {
    const p = ben.page;
    await p.keyboard.press('Control+f');
    await search(p, 'zebrafish');
    await status(p, '1 result').waitFor();
    assert.equal((await ben.user.api.put(`/messages/${ids.xss}`, { content: 'zebrafish notes, tidied up' })).status, 200);
    await hit(p, 'tidied up').waitFor();
    assert.equal(await hit(p, 'tidied up').locator('mark').count(), 0, 'the old ranges are not put on the new text');
    assert.equal((await ben.user.api.delete(`/messages/${ids.xss}`)).status, 204);
    await hits(p).first().waitFor({ state: 'detached' });
    await status(p, 'No messages match.').waitFor();
  });

  it('on a 360 px phone in the dark: the header button opens it full screen, nothing overflows, a hit closes it to show the message', async () => {
    const tab = await openTab(browser, server, { mobile: true, colorScheme: 'dark' });
    try {
      const p = tab.page;
      await logIn(p, ann.user);
      await p.goto(`/r/${plans.id}`);
      await p.getByRole('log', { name: plans.name }).getByRole('article').first().waitFor();
      await p.getByRole('button', { name: 'Search messages' }).click();
      await search(p, 'deploy');
      await hit(p, 'staging server').waitFor();
      const overflow = await p.evaluate(() => {
        const el = document.querySelector('.panel-body')!;
        return { scroll: el.scrollWidth, client: el.clientWidth, page: document.documentElement.scrollWidth };
      });
      assert.ok(overflow.scroll <= overflow.client && overflow.page <= 360, JSON.stringify(overflow));
      if (process.env.SEARCH_SCREENSHOTS) await p.screenshot({ path: `${process.env.SEARCH_SCREENSHOTS}/search-phone-dark.png` });
      await hit(p, 'staging server').getByRole('link').click();
      await p.waitForURL(`**/r/${plans.id}/m/${ids.redeploy}`);
      assert.equal(await panel(p).count(), 0, 'the panel closed to show the room');
      await p.locator(`.timeline article[data-mid="${ids.redeploy}"]`).waitFor();
      await p.getByRole('button', { name: 'Search messages' }).click();
      assert.equal(await box(p).inputValue(), 'deploy', 'the search is kept');
      assert.ok((await hits(p).count()) >= 1);
    } finally {
      await tab.context.close();
    }
  });
});
