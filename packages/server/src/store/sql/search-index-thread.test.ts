import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { parseSearchQuery } from '../../domain/search-query.ts';
import { insertUser } from '../contract/fixtures.ts';
import { insertRoom, join, post } from '../contract/room-fixtures.ts';
import type { Store } from '../store.ts';
import { openStore } from './open.ts';
import { indexThread } from './search/search-index-thread.ts';

/**
 * SQLite on a file: the search queue's batches are written by a thread of their own, and the
 * event loop goes on while one runs (a batch on the loop held it for its whole transaction).
 */
describe('SQLite search: the queue indexed on a thread of its own', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(joinPath(tmpdir(), 'rooms-index-thread-'));
    // Without the index's writes: this test queues the messages itself, then hands them to a thread.
    store = await openStore({ dataDir: dir, searchIndex: false });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const db = () => (store as unknown as { db: Kysely<unknown> }).db;
  const count = async (table: string) =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db())).rows[0]!.n);

  it('indexes a batch in its own transaction while the event loop keeps turning', async () => {
    const a = await insertUser(store);
    const r = await insertRoom(store);
    await join(store, r.id, a.id, 'owner');
    const n = 3000;
    const filler = 'the quick brown fox jumps over a lazy dog near the riverbank while walruses sing '.repeat(6);
    for (let i = 0; i < n; i += 100)
      await store.transaction(async (tx) => {
        for (let j = i; j < i + 100; j++) await post(tx, r.id, a.id, { content: `${filler} marker${j}x` });
      });
    await sql`insert into message_search_queue (message_id) select id from messages order by seq`.execute(db());

    const thread = indexThread(joinPath(dir, 'rooms.sqlite'), 16 * 1024);
    try {
      // The loop's longest gap while the batch runs: one turn at a time, as a server's would be.
      let longest = 0;
      let last = performance.now();
      let ticking = true;
      const tick = () => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      const { indexed, ms } = await thread.index(n);
      ticking = false;
      assert.equal(indexed, n);
      assert.ok(ms > 20, `a batch long enough to tell: ${ms.toFixed(1)} ms`);
      assert.ok(longest < ms / 4, `the loop turned during the ${ms.toFixed(1)} ms batch (longest gap ${longest.toFixed(1)} ms)`);
      assert.equal(await count('message_search_queue'), 0);
      assert.equal(await count('message_search'), n);
      const found = await store.messages.search(a.id, parseSearchQuery('marker2999x', { now: new Date() }), {
        sort: 'recent',
        limit: 5,
        budgetMs: 5000,
      });
      assert.deepEqual(
        found.items.map((m) => m.content),
        [`${filler} marker2999x`],
      );
      // An empty queue is a batch of none.
      assert.equal((await thread.index(10)).indexed, 0);
    } finally {
      await thread.stop();
    }
    await assert.rejects(thread.index(1), /stopped/);
  });
});
