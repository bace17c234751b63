import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../../test/helpers/services.ts';
import { parseSearchQuery } from '../../domain/search-query.ts';
import { insertUser } from '../contract/fixtures.ts';
import { insertRoom, join, post } from '../contract/room-fixtures.ts';
import type { MessageSearchOptions } from '../search-types.ts';
import type { Store } from '../store.ts';
import { openStore } from './open.ts';
import { trigramPlan } from './dialects/sqlite-search.ts';
import { searchWindow } from './search/search-messages.ts';

/**
 * Both databases: a query no rare term drives (on PostgreSQL, every query: its planner picks the
 * index itself) reads each room's newest messages first and stops there when they prove the page
 * (search-messages.ts: newestFirst). With windows of a few messages a room, every page of every
 * query and sort, its cursor and its total, are the same as the whole query's (the window turned
 * off), and many pages do come from a window.
 */
for (const backend of backends()) {
  describe(`search, newest messages first: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const saved = { ...searchWindow };
    before(async () => {
      const p = await backend.provision();
      store = await openStore({ databaseUrl: p.databaseUrl, dataDir: p.dataDir });
      cleanup = p.cleanup;
    });
    after(async () => {
      Object.assign(searchWindow, saved);
      await store.close();
      await cleanup();
    });

    it('gives every page, cursor and total exactly as the whole query does', async () => {
      const a = await insertUser(store, { username: 'nf_searcher' });
      const b = await insertUser(store, { username: 'nf_peer' });
      const rooms = [await insertRoom(store), await insertRoom(store), await insertRoom(store)];
      for (const r of rooms) {
        await join(store, r.id, a.id, 'owner');
        await join(store, r.id, b.id);
      }
      // Seeded, so a failure repeats; whole words, word starts, parts, a phrase, CJK, spread over time.
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      // Whole words more often in the older half, parts of words in the newer: an old hit outranks a new one.
      const older = ['alpha', 'beta', 'alphabet', 'gamma', '東京タワー', 'beta alpha', 'alpha beta', 'delta'];
      const newer = ['xalphay', 'alphabet', 'betamax', 'gamma', '東京', 'xalphay beta', 'delta'];
      let t = Date.UTC(2026, 0, 1);
      for (let i = 0; i < 180; i++) {
        const parts = i < 90 ? older : newer;
        const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () => parts[Math.floor(random() * parts.length)]);
        const room = rooms[Math.floor(random() * rooms.length)]!;
        const sender = random() < 0.3 ? a : b;
        t += 1000 + Math.floor(random() * 5000);
        await post(store, room.id, sender.id, { content: `${words.join(' ')} ${i}`, created_at: new Date(t).toISOString() });
      }
      const all = async (q: string, opts: Pick<MessageSearchOptions, 'sort' | 'limit'>) => {
        const pages: unknown[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.messages.search(a.id, parseSearchQuery(q, { now: new Date() }), { ...opts, budgetMs: 10_000, cursor });
          pages.push({ ids: page.items.map((m) => m.id), total: page.total, exact: page.total_exact, next: page.next_cursor });
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        return pages;
      };
      // Terms of one or two characters have no trigram: these are scans of the rooms, as a common word's is.
      const queries = [
        'al',
        'ph',
        'be al',
        '"be"',
        'a',
        'from:nf_peer al',
        'alpha',
        'alpha beta',
        '"alpha beta"',
        'alph',
        'lpha',
        'beta',
        '東京',
        '東',
        'gamma -alpha',
        'from:nf_peer',
        'from:me alpha',
        'zzz',
      ];
      for (const q of queries)
        for (const sort of ['relevance', 'recent'] as const)
          for (const limit of [3, 8]) {
            Object.assign(searchWindow, { rows: 1e9, perRoomMin: 1e9 }); // a window of every message: the whole query
            const whole = await all(q, { sort, limit });
            Object.assign(searchWindow, { rows: 6, perRoomMin: 2 });
            assert.deepEqual(await all(q, { sort, limit }), whole, `${q} (${sort}, ${limit} a page)`);
            Object.assign(searchWindow, { rows: 30, perRoomMin: 2 });
            assert.deepEqual(await all(q, { sort, limit }), whole, `${q} (${sort}, ${limit} a page, a larger window)`);
            if (backend.name === 'sqlite') {
              // SQLite: every term's candidates as broad ones (counting past the window, or the query when it proves nothing).
              const plan = { ...trigramPlan };
              try {
                Object.assign(trigramPlan, { candidatesMax: 0, broadShare: 1, broadMax: 1e9 });
                for (const rows of [6, 30]) {
                  Object.assign(searchWindow, { rows, perRoomMin: 2 });
                  assert.deepEqual(
                    await all(q, { sort, limit }),
                    whole,
                    `${q} (${sort}, ${limit} a page, broad candidates, window ${rows})`,
                  );
                }
              } finally {
                Object.assign(trigramPlan, plan);
              }
            }
          }
      // First pages mostly (a later page is rarely among the newest few).
      assert.ok(searchWindow.proven >= 15, `pages from a window: ${searchWindow.proven}`);
    });

    it('proves a page only by the best score and newer than every message left out', async () => {
      Object.assign(searchWindow, { rows: 4, perRoomMin: 4 });
      let t = Date.UTC(2026, 1, 1);
      /** A searcher in `rooms` rooms, and the posts in order (room, content), each a second after the one before. */
      const world = async (rooms: number, posts: [number, string][]) => {
        const a = await insertUser(store);
        const made = [];
        for (let i = 0; i < rooms; i++) {
          const r = await insertRoom(store);
          await join(store, r.id, a.id, 'owner');
          made.push(r);
        }
        for (const [room, content] of posts)
          await post(store, made[room]!.id, a.id, { content, created_at: new Date((t += 1000)).toISOString() });
        return async (q: string, sort: 'relevance' | 'recent') =>
          (await store.messages.search(a.id, parseSearchQuery(q, { now: new Date() }), { sort, limit: 3, budgetMs: 10_000 })).items.map(
            (m) => m.content,
          );
      };
      const each = (room: number, word: string, n: number): [number, string][] =>
        Array.from({ length: n }, (_, i) => [room, `${word} ${room}.${i}`]);
      const proven = searchWindow.proven;
      // One-character words: no index can start from them (on SQLite, a rare two-character word can), so
      // each is a scan of the rooms (a common word's path).
      // Each room's newest four hold the word inside others: older whole words come first all the same.
      const scores = await world(2, [...each(0, 'q', 6), ...each(1, 'q', 6), ...each(0, 'xqy', 4), ...each(1, 'xqy', 4)]);
      assert.deepEqual(await scores('q', 'relevance'), ['q 1.5', 'q 1.4', 'q 1.3']);
      // The third room's hits are older than its newest four, yet newer than every hit of the others.
      const times = await world(3, [...each(0, 'q', 10), ...each(1, 'q', 10), ...each(2, 'q', 3), ...each(2, 'k', 5)]);
      assert.deepEqual(await times('q', 'recent'), ['q 2.2', 'q 2.1', 'q 2.0']);
      // And where the newest four hold the page, it comes from them.
      assert.deepEqual(await times('k', 'recent'), ['k 2.4', 'k 2.3', 'k 2.2']);
      assert.equal(searchWindow.proven, proven + 1, 'only the last page came from a window');
    });
  });
}
