import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { backends } from '../../../test/helpers/services.ts';
import { parseSearchQuery } from '../../domain/search-query.ts';
import { insertUser } from '../contract/fixtures.ts';
import { insertRoom, join, post } from '../contract/room-fixtures.ts';
import type { Store } from '../store.ts';
import { openStore } from './open.ts';

/**
 * openStore's searchIndex: false (the benchmark's Rooms without the index, bench/rooms-noindex-server.ts):
 * messages are stored and read as ever, and no search row is written; the default store indexes them.
 */
for (const backend of backends()) {
  describe(`a store without search index writes: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let indexed: Store, unindexed: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      const p = await backend.provision();
      indexed = await openStore({ databaseUrl: p.databaseUrl, dataDir: p.dataDir });
      // The same database: only the writes differ.
      unindexed = await openStore({ databaseUrl: p.databaseUrl, dataDir: p.dataDir, searchIndex: false });
      cleanup = async () => {
        await unindexed.close();
        await indexed.close();
        await p.cleanup();
      };
    });
    after(() => cleanup());

    const searchRows = async (store: Store, messageId: string): Promise<number> => {
      const db = (store as unknown as { db: Kysely<unknown> }).db;
      const r = await sql<{ n: number | string }>`select count(*) as n from message_search where message_id = ${messageId}`.execute(db);
      return Number(r.rows[0]!.n);
    };

    it('stores, edits and deletes messages without touching the index; the default store indexes them', async () => {
      const tag = Math.random().toString(36).slice(2, 8);
      const a = await insertUser(indexed);
      const r = await insertRoom(indexed);
      await join(indexed, r.id, a.id, 'owner');
      const find = async (q: string) =>
        (
          await indexed.messages.search(a.id, parseSearchQuery(q, { now: new Date() }), { sort: 'recent', limit: 10, budgetMs: 5000 })
        ).items.map((m) => m.content);

      const off = await post(unindexed, r.id, a.id, { content: `quiet${tag} one` });
      const on = await post(indexed, r.id, a.id, { content: `quiet${tag} two` });
      assert.equal((await unindexed.messages.findById(off.id))?.content, `quiet${tag} one`, 'stored');
      assert.deepEqual(await find(`quiet${tag}`), [`quiet${tag} two`]);
      // After a search: SQLite indexes a message after its send, and a search first catches up (search-queue.ts).
      assert.deepEqual([await searchRows(indexed, off.id), await searchRows(indexed, on.id)], [0, 1]);

      // An edit and a delete through the store without the index leave the indexed row as it was.
      assert.equal(
        (await unindexed.messages.update(on.id, { content: `quiet${tag} edited`, edited_at: new Date().toISOString() }))?.content,
        `quiet${tag} edited`,
      );
      assert.deepEqual(await find(`quiet${tag}`), [`quiet${tag} edited`], 'the row still matches, now by its old text');
      assert.equal(await searchRows(indexed, on.id), 1);
      await indexed.messages.update(on.id, { deleted_at: new Date().toISOString() });
      assert.equal(await searchRows(indexed, on.id), 0, 'the default store unindexes a delete');
    });
  });
}
