/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RoomsClient, type LiveConnection } from '@rooms/client';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer } from './helpers/browser.ts';
import { PAYLOADS } from './xss/payloads.ts';
import { type Carrier, LIST_FIELDS, placePayloads, type Placed, SHARED_ROOM, TEXT_FIELDS } from './xss/place.ts';
import { type Finding, openWatched, poke } from './xss/watch.ts';

/**
 * The XSS corpus (xss/payloads.ts) placed through the API in every field the web UI renders, then
 * every screen showing them opened in Chromium with the Content-Security-Policy switched off: the
 * sanitiser and React's escaping alone must stop them. Nothing may call the trap, open a dialog,
 * reach another host or leave dangerous markup in the DOM (xss/watch.ts), links and elements of
 * the payloads are hovered and clicked, and the payloads read back as text where the UI shows
 * them. A last test checks that, with the CSP on, the policy is strict and refuses inline script.
 */
const skip = browserSkip();

/**
 * The payloads placed: all of them. XSS_PAYLOADS=a-b takes payloads a to b (numbered from 1) instead,
 * for a quick run while working on this test (a full run opens some 600 screens).
 */
const CORPUS = ((range) => {
  const [from, to] = (range ?? '').split('-').map(Number);
  return from && to ? PAYLOADS.slice(from - 1, to) : PAYLOADS;
})(process.env.XSS_PAYLOADS);
/** A payload every screen must show as it is, as text: for the whole corpus, `<script>__xss(1)</script>`. */
const SPOT = CORPUS.find((p) => /^<(script|img)\b[^\n]*>$/i.test(p));

/**
 * Moves the app to path as its own links do (no reload: the session and the loaded data stay).
 * Rooms visited before stay mounted, hidden (`.room.kept`, App.tsx): selectors name the room shown.
 */
const go = (page: Page, path: string) =>
  page.evaluate((p) => {
    history.pushState(null, '', p);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);

const textOf = (l: Locator) => l.evaluate((el) => el.textContent ?? '');

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
}

/** Waits until the element of `selector` reads `text`, leaving out decorations hidden from assistive technology ("# "). */
const reads = (page: Page, selector: string, text: string) =>
  page.waitForFunction(
    ([sel, t]) => {
      const el = document.querySelector(sel!);
      const shown =
        el &&
        [...el.childNodes]
          .filter((n) => !(n instanceof Element && n.getAttribute('aria-hidden') === 'true'))
          .map((n) => n.textContent)
          .join('');
      return shown === t;
    },
    [selector, text],
  );

/** Waits until the open room is `name` (its heading) with at least one message on screen. */
async function roomShown(page: Page, name: string): Promise<void> {
  await reads(page, '.room:not(.kept) .room-title h2', name);
  await page.locator('.room:not(.kept) .timeline article.message .message-body').first().waitFor();
}

const panel = (page: Page, name: string) => page.getByRole('complementary', { name, exact: true });
const closePanel = (page: Page) => page.getByRole('button', { name: 'Close panel' }).click();
/** Runs fn for each item on the given tabs side by side (one item at a time per tab). */
async function acrossTabs<T>(tabs: Page[], items: readonly T[], fn: (page: Page, item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    tabs.map(async (page) => {
      while (next < items.length) await fn(page, items[next++]!);
    }),
  );
}

/** Tabs of the app side by side: the per-payload screens are many, and each waits on the server. */
const TABS = 3;

function report(findings: Finding[]): string {
  const lines = findings.map((f) => `  ${f.kind} on ${f.screen}: ${f.detail}`);
  return `${findings.length} finding(s):\n${lines.slice(0, 80).join('\n')}${lines.length > 80 ? `\n  … and ${lines.length - 80} more` : ''}`;
}

describe('XSS: the payload corpus in every field the web UI renders', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let placed: Placed;
  const nameOf = (c: Carrier) => c.displayName ?? `Carrier ${c.n}`;

  before(async () => {
    server = await startRoomsServer({ MESSAGE_RATE_LIMIT: 100_000 });
    browser = await launchBrowser();
    placed = await placePayloads(server.url, CORPUS);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the API stored every payload wherever the field takes it (counts per field)', (t) => {
    const { counts, refused } = placed;
    t.diagnostic(`${CORPUS.length} payloads; placed per field:`);
    for (const [field, n] of Object.entries(counts)) t.diagnostic(`  ${field}: ${n}`);
    for (const [field, why] of Object.entries(refused)) t.diagnostic(`  never: ${field} (${why})`);
    assert.ok(PAYLOADS.length >= 100, 'the corpus has at least 100 payloads');
    // Each field holds every payload that fits its limit (and is one line, for a single-line field).
    const fit = (max: number, oneLine: boolean) =>
      CORPUS.filter((p) => [...p.trim()].length <= max && !(oneLine && /[\n\t]/.test(p))).length;
    const expected: Record<string, number> = {
      'display name': fit(50, true),
      'status message': fit(100, true),
      bio: fit(500, false),
      'avatar URL (in a URL)': fit(2000, true),
      'room name': fit(100, true),
      'room description': fit(1000, false),
      'room category': 0,
      'profile phone': 0,
      'ban reason': fit(1000, false),
      ...Object.fromEntries(TEXT_FIELDS.map((f) => [`profile ${f}`, fit(100, true)])),
      ...Object.fromEntries(LIST_FIELDS.map((f) => [`profile ${f}`, fit(50, true)])),
      ...Object.fromEntries(
        [
          'message',
          'message mentioning the viewer (room timeline, notification excerpt)',
          'thread reply (reply notification excerpt)',
          'direct message',
          'pinned message',
          'invite preview (room name or description)',
        ].map((f) => [f, CORPUS.length]),
      ),
    };
    for (const [field, n] of Object.entries(expected)) assert.equal(counts[field], n, field);
    assert.equal(counts['website (as is)']! + counts['website (in a URL)']!, fit(2000, true), 'website');
  });

  it('invite previews, signed out and signed in (CSP off)', { timeout: 600_000 }, async () => {
    const w = await openWatched(browser, server);
    const tabs = [w.page, ...(await Promise.all(Array.from({ length: TABS - 1 }, () => w.newTab())))];
    const check = (signedIn: boolean) => async (page: Page, c: Carrier) => {
      w.at(page, `invite of #${c.n} (${signedIn ? 'signed in' : 'signed out'})`);
      await go(page, `/invite/${c.room.invite}`);
      await reads(page, '.invite-room-name', c.room.name);
      assert.equal(
        await page.evaluate(() => document.querySelector('.invite-room-desc')?.textContent ?? null),
        c.room.description,
        `description of #${c.n}`,
      );
    };
    await w.page.goto('/');
    for (const page of tabs) await page.getByRole('button', { name: 'Log in' }).waitFor();
    await acrossTabs(tabs, placed.carriers, check(false));
    await logIn(w.page, placed.stranger.username, placed.stranger.password);
    for (const page of tabs.slice(1)) {
      await page.reload();
      await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
    }
    await acrossTabs(tabs, placed.carriers, check(true));
    await w.page.waitForTimeout(300);
    await w.closePopups();
    assert.deepEqual(w.findings, [], report(w.findings));
    assert.deepEqual(w.problems.pageErrors, []);
    await w.context.close();
  });

  it(
    "the viewer's screens: rooms, messages, profiles, direct rooms, threads, pins, members, notifications, switcher, browse, account (CSP off)",
    { timeout: 1_800_000 },
    async (t) => {
      const w = await openWatched(browser, server);
      const { page } = w;
      const { viewer, carriers, shared } = placed;
      await logIn(page, viewer.username, viewer.password);

      await t.test('the sidebar lists the rooms by their names, as text', async () => {
        w.at(page, 'sidebar');
        const nav = page.getByRole('navigation', { name: 'Rooms' });
        // The sidebar shows its first page at once and the rest as it comes: wait for every room.
        await page
          .waitForFunction(
            (wanted) => {
              const shown = new Set([...document.querySelectorAll('nav .room-name')].map((el) => el.textContent));
              return wanted.every((n) => shown.has(n));
            },
            carriers.map((c) => c.room.name),
          )
          .catch(() => {});
        const names = await nav.locator('.room-name').allTextContents();
        for (const c of carriers) assert.ok(names.includes(c.room.name), `room of #${c.n} in the sidebar`);
        if (SPOT) assert.ok(names.includes(SPOT), `${SPOT} reads as a room name`);
      });

      await t.test(
        'each payload room: header, message (hovered and clicked), the sender’s profile, room settings; each direct room',
        async () => {
          const tabs = [page, ...(await Promise.all(Array.from({ length: TABS - 1 }, () => w.newTab())))];
          for (const tab of tabs) await tab.getByRole('navigation', { name: 'Rooms' }).waitFor();
          await acrossTabs(tabs, carriers, async (page, c) => {
            w.at(page, `room of #${c.n}`);
            await go(page, `/r/${c.room.id}`);
            await roomShown(page, c.room.name);
            const body = page.locator('.room:not(.kept) .timeline article.message .message-body').last();
            const shown = await page.evaluate(() => ({
              description: document.querySelector('.room:not(.kept) .room-title .room-desc')?.textContent ?? null,
              sender: [...document.querySelectorAll('.room:not(.kept) .timeline article.message')]
                .filter((a) => a.querySelector('.message-body'))
                .at(-1)
                ?.querySelector('.sender')?.textContent,
            }));
            assert.deepEqual(shown, { description: c.room.description, sender: nameOf(c) }, `header and sender of #${c.n}`);
            await poke(body);

            w.at(page, `profile of #${c.n}`);
            await page.locator('.room:not(.kept) .timeline article.message .sender').last().click();
            await page.waitForFunction((name) => document.querySelector('.panel .profile-name')?.textContent === name, nameOf(c));
            const profile = await page.evaluate(() => {
              const text = (sel: string) => document.querySelector(`.panel ${sel}`)?.textContent ?? null;
              return {
                status: text('.profile-status'),
                bio: text('.profile-bio'),
                website: text('.profile-link'),
                fields: [...document.querySelectorAll('.panel .profile-fields dd')].map((dd) => dd.textContent ?? ''),
              };
            });
            assert.equal(profile.status, c.status === null ? null : `Status: ${c.status}`, `status of #${c.n}`);
            assert.equal(profile.bio, c.bio, `bio of #${c.n}`);
            assert.equal(profile.website, c.website, `website of #${c.n}`);
            for (const value of [...Object.values(c.textFields), ...Object.values(c.listFields)])
              assert.ok(profile.fields.includes(value!), `a profile field of #${c.n} reads ${JSON.stringify(value)}`);
            // The other fields are React text: the one element made from a payload here is the website's link.
            if (c.website !== null) await poke(panel(page, 'Profile').locator('.profile-link'));
            await closePanel(page);

            w.at(page, `room settings of #${c.n}`);
            await page.getByRole('button', { name: 'Settings', exact: true }).click();
            await page.getByRole('menuitem', { name: 'About this room' }).click();
            const settings = panel(page, 'Room settings');
            await settings.getByText(c.room.name, { exact: true }).first().waitFor();
            await closePanel(page);

            w.at(page, `direct room with #${c.n}`);
            await go(page, `/r/${c.direct.id}`);
            await roomShown(page, nameOf(c));
            // The other person's status message shows under the name.
            if (c.status !== null)
              await page.waitForFunction(
                (s) => document.querySelector('.room:not(.kept) .peer-status .status-message')?.textContent === s,
                c.status,
              );
            await w.closePopups();
          });
          for (const tab of tabs.slice(1)) await tab.close();
        },
      );

      let live: LiveConnection[] = [];
      await t.test(
        'the shared room: someone typing, reactions and who reacted, who read, threads, pins, members, the whole history',
        async () => {
          // Two payload names typing while the viewer looks.
          const typists = carriers.filter((c) => c.displayName !== null).slice(0, 2);
          live = typists.map((c) => new RoomsClient({ baseUrl: server.url, token: c.user.token }).live());
          await Promise.all(
            live.map(
              (l) =>
                new Promise<void>((resolve) => {
                  l.on('status', (s) => s === 'connected' && resolve());
                  l.start();
                }),
            ),
          );
          w.at(page, 'shared room');
          await go(page, `/r/${shared.id}`);
          await roomShown(page, SHARED_ROOM);
          await Promise.all(live.map((l) => l.request('typing_start', { room_id: shared.id })));
          await page.waitForFunction(
            (text) => document.querySelector('.room:not(.kept) .typing')?.textContent === text,
            `${nameOf(typists[0]!)} and ${nameOf(typists[1]!)} are typing…`,
          );
          for (const l of live) l.stop();

          w.at(page, 'shared room: reactions');
          const mine = page.locator('.room:not(.kept) .timeline article.message').filter({ hasText: 'React to this and read it' });
          const reactions = mine.locator('.reaction');
          assert.equal(await reactions.count(), 3);
          for (let i = 0; i < 3; i++) {
            await reactions.nth(i).hover();
            const tooltip = mine.getByRole('tooltip');
            await tooltip.waitFor();
            const who = carriers.filter((c, j) => j % 3 === i && c.displayName !== null).slice(0, 3);
            const text = await textOf(tooltip);
            for (const c of who) assert.ok(text.includes(c.displayName!), `the tooltip names #${c.n}`);
            await page.mouse.move(0, 0);
          }
          w.at(page, 'shared room: read by');
          await mine.getByRole('button', { name: /^Read by/ }).click();
          await mine.getByRole('list', { name: 'Read by' }).locator('li').first().waitFor();
          const readers = await mine.getByRole('list', { name: 'Read by' }).locator('li').allTextContents();
          for (const c of carriers.filter((x) => x.displayName !== null).slice(0, 5))
            assert.ok(
              readers.some((r) => r.includes(c.displayName!)),
              `#${c.n} among the readers`,
            );

          for (const i of [0, 1]) {
            w.at(page, `thread ${i + 1}`);
            const replies = carriers.filter((_, j) => j % 2 === i);
            await page
              .locator('.room:not(.kept) .timeline article.message')
              .filter({ hasText: `Thread ${i === 0 ? 'one' : 'two'}` })
              .locator('.thread-summary')
              .click();
            const thread = panel(page, 'Thread');
            await thread
              .locator('.thread-replies article.message')
              .nth(replies.length - 1)
              .waitFor();
            assert.equal(await thread.locator('.thread-replies article.message').count(), replies.length);
            const senders = await thread.locator('.thread-replies .sender').allTextContents();
            assert.deepEqual(senders.sort(), replies.map(nameOf).sort(), 'every reply, by its sender');
            const spot = replies.find((c) => c.payload === SPOT);
            if (spot) await thread.locator('.message-body').getByText(spot.payload, { exact: true }).waitFor();
            for (const body of await thread.locator('.thread-replies .message-body').all())
              await body.hover({ force: true, timeout: 500 }).catch(() => {});
            await closePanel(page);
          }

          w.at(page, 'pins');
          await page.getByRole('button', { name: 'Pinned messages' }).click();
          const pins = panel(page, 'Pinned messages');
          await pins.waitFor();
          await pins
            .locator('.pin')
            .nth(carriers.length - 1)
            .waitFor();
          assert.equal(await pins.locator('.pin').count(), carriers.length, 'every pinned payload');
          if (SPOT) await pins.locator('.message-body').getByText(SPOT, { exact: true }).waitFor();
          for (const body of (await pins.locator('.message-body').all()).slice(0, 40))
            await body.hover({ force: true, timeout: 500 }).catch(() => {});
          await closePanel(page);

          w.at(page, 'members');
          await page.getByRole('button', { name: 'Members', exact: true }).click();
          const members = panel(page, 'Members');
          await members.waitFor();
          // Each member's name is the row's first text (the role and presence follow for screen readers).
          await page.waitForFunction((wanted) => {
            const shown = new Set([...document.querySelectorAll('.panel .member-name')].map((el) => el.firstChild?.textContent));
            return wanted.every((n) => shown.has(n));
          }, carriers.map(nameOf));
          await page.waitForTimeout(300);
          await closePanel(page);

          w.at(page, 'shared room history');
          const log = page.getByRole('log', { name: SHARED_ROOM });
          for (let i = 0; i < 40 && !(await log.getByText(`This is the beginning of ${SHARED_ROOM}.`).isVisible()); i++) {
            await log.evaluate((el) => el.scrollBy(0, -el.scrollHeight));
            await page.waitForTimeout(150);
          }
          await log.getByText(`This is the beginning of ${SHARED_ROOM}.`).waitFor();
          if (SPOT) await log.locator('.message-body').getByText(SPOT, { exact: true }).waitFor();
        },
      );

      await t.test('the bans of a room (reasons), under its members', async () => {
        w.at(page, 'bans room members');
        await go(page, `/r/${placed.bans.id}`);
        await page.getByRole('button', { name: 'Members', exact: true }).click();
        const members = panel(page, 'Members');
        await members.getByRole('button', { name: /Banned users/ }).click();
        const reasons = members.locator('.ban-reason');
        await reasons.nth(carriers.length - 1).waitFor();
        // Each reason reads as the payload, as text, between quotes.
        const shown = await reasons.allTextContents();
        for (const c of carriers) assert.ok(shown.includes(`“${c.payload}”`), `the ban reason of #${c.n} as text`);
        await closePanel(page);
      });

      await t.test('notifications: every mention, reply, direct message and invitation, names and excerpts as text', async () => {
        w.at(page, 'notifications');
        await page.getByRole('button', { name: 'Notifications', exact: true }).click();
        const centre = panel(page, 'Notifications');
        const items = centre.locator('.notification-list > li');
        await items.first().waitFor();
        const more = centre.getByRole('button', { name: 'Load older notifications' });
        // The list loaded at sign-in shows first; the panel's own fresh page brings the cursor.
        if (carriers.length * 4 > 50) await more.waitFor();
        for (let i = 0; i < 30 && (await more.isVisible()); i++) {
          const had = await items.count();
          await more.click();
          await page.waitForFunction(
            (n) => document.querySelectorAll('.notification-list > li').length > n || !document.querySelector('.load-more'),
            had,
          );
        }
        assert.equal(await items.count(), carriers.length * 4, 'an invitation, a mention, a reply and a direct message per payload');
        const who = await centre.locator('.notification-text > strong:first-of-type').allTextContents();
        for (const c of carriers) assert.ok(who.includes(nameOf(c)), `#${c.n} named in the notifications`);
        const places = await centre.locator('.notification-text > strong:nth-of-type(2)').allTextContents();
        for (const c of carriers) assert.ok(places.includes(`#${c.room.name}`), `the room of #${c.n} named in the notifications`);
        if (SPOT) await centre.getByText(SPOT, { exact: true }).first().waitFor();
        for (const item of (await items.all()).slice(0, 40)) await item.hover({ timeout: 500 }).catch(() => {});
        await closePanel(page);
      });

      await t.test('the quick switcher: rooms and people by their payload names', async () => {
        w.at(page, 'quick switcher');
        await page.keyboard.press('Control+k');
        const dialog = page.getByRole('dialog', { name: 'Go to a room or person' });
        const input = dialog.getByRole('combobox');
        await input.waitFor();
        const option = (text: string) =>
          page.waitForFunction(
            (t) =>
              [...document.querySelectorAll('.switcher-option .ellipsis')].some(
                (el) => el.firstChild?.textContent === t || el.textContent === t,
              ),
            text,
          );
        for (const c of carriers) {
          w.at(page, `quick switcher: #${c.n}`);
          if (c.room.nameIsPayload) {
            await input.fill([...c.room.name].slice(0, 50).join(''));
            await option(c.room.name);
          }
          if (c.displayName !== null) {
            // By username: the person (not their direct room, which is named after them).
            await input.fill(c.user.username);
            await page.waitForFunction(
              (name) =>
                [...document.querySelectorAll('.switcher-option')].some(
                  (el) => el.textContent?.includes('Person') && el.querySelector('.ellipsis')?.firstChild?.textContent === name,
                ),
              c.displayName,
            );
          }
        }
        await page.keyboard.press('Escape');
      });

      await t.test('browse rooms: the public rooms, names and descriptions', async () => {
        w.at(page, 'browse');
        await page.getByRole('button', { name: 'Browse', exact: true }).click();
        const dialog = page.getByRole('dialog', { name: 'Browse rooms' });
        await dialog.waitFor();
        try {
          // Every page of public rooms (the shared room may sort after the payload rooms).
          await dialog.locator('li').first().waitFor();
          const more = dialog.getByRole('button', { name: 'Load more' });
          for (let i = 0; i < 20; i++) {
            await page.waitForTimeout(300);
            if (!(await more.isVisible())) break;
            await more.click();
          }
          await dialog.getByText(SHARED_ROOM, { exact: true }).waitFor();
          for (const c of carriers.slice(0, 10)) await dialog.getByText(c.room.name, { exact: true }).first().waitFor();
        } finally {
          await page.keyboard.press('Escape');
        }
      });

      await t.test("the viewer's own account and profile", async () => {
        w.at(page, 'account');
        await page.getByRole('button', { name: `Settings: ${viewer.displayName}` }).click();
        const account = panel(page, 'Your account');
        assert.equal(await textOf(account.locator('.profile-name')), viewer.displayName);
        assert.equal(await account.getByLabel('Display name').inputValue(), viewer.displayName);
        assert.equal(await account.getByLabel('Status message').inputValue(), viewer.status);
        assert.equal(await account.getByLabel('Bio').inputValue(), viewer.bio);
        w.at(page, 'own profile');
        await account.getByRole('button', { name: 'View profile' }).click();
        await page.waitForFunction((name) => document.querySelector('.panel .profile-name')?.textContent === name, viewer.displayName);
        assert.equal(await textOf(panel(page, 'Profile').locator('.profile-bio')), viewer.bio);

        await closePanel(page);
      });

      await t.test('messages the server refuses stay on screen as failed, rendered the same way', async () => {
        w.at(page, 'failed messages');
        await go(page, `/r/${placed.blockedDirect.id}`);
        await reads(page, '.room:not(.kept) .room-title h2', 'Blocker');
        const box = page.getByRole('textbox', { name: 'Message', exact: true });
        for (const p of CORPUS.slice(0, 3)) {
          await box.fill(p);
          await box.press('Enter');
        }
        const failed = page.getByRole('article', { name: /not sent/ });
        await failed.nth(2).waitFor();
        if (SPOT && CORPUS.slice(0, 3).includes(SPOT)) await failed.locator('.message-body').getByText(SPOT, { exact: true }).waitFor();
        for (const a of await failed.all()) await poke(a.locator('.message-body'));
      });

      await page.waitForTimeout(500);
      await w.closePopups();
      assert.deepEqual(w.findings, [], report(w.findings));
      assert.deepEqual(w.problems.pageErrors, []);
      await w.context.close();
    },
  );
});

describe('XSS: with the CSP on', { skip }, () => {
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

  it("the app is served under a strict policy: script-src 'self' only, no inline or eval, and inline script is refused", async () => {
    const tab = await openTab(browser, server);
    const res = await tab.page.goto('/');
    const csp = res?.headers()['content-security-policy'] ?? '';
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name!, values]),
    );
    const scripts = directives.get('script-src') ?? directives.get('default-src');
    assert.deepEqual(scripts, ["'self'"], `script-src is 'self' alone (${csp})`);
    for (const d of ['script-src', 'default-src', 'script-src-elem', 'script-src-attr']) {
      for (const unsafe of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", 'data:', '*'])
        assert.ok(!(directives.get(d) ?? []).includes(unsafe), `${d} has no ${unsafe}`);
    }
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);

    // What a sanitiser slip would put in the page: an inline handler and an inline script.
    await tab.page.getByRole('button', { name: 'Log in' }).waitFor();
    const ran = await tab.page.evaluate(async () => {
      const w = window as unknown as { __ran?: string[] };
      w.__ran = [];
      const div = document.createElement('div');
      div.innerHTML =
        '<img src="data:," onload="window.__ran.push(\'handler\')"><a id="js" href="javascript:window.__ran.push(\'link\')">x</a>';
      document.body.append(div);
      const s = document.createElement('script');
      s.textContent = "window.__ran.push('script')";
      document.head.append(s);
      (document.getElementById('js') as HTMLAnchorElement).click();
      await new Promise((r) => setTimeout(r, 300));
      return w.__ran;
    });
    assert.deepEqual(ran, [], 'nothing inline ran');
    assert.ok(
      tab.problems.cspViolations.some((v) => v.startsWith('script-src')),
      `the refusals were reported (${tab.problems.cspViolations.join('; ')})`,
    );
    await tab.context.close();
  });
});
