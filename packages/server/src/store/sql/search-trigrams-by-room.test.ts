import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { backends } from '../../../test/helpers/services.ts';
import { parseSearchQuery } from '../../domain/search-query.ts';
import { insertUser } from '../contract/fixtures.ts';
import { insertRoom, join, post } from '../contract/room-fixtures.ts';
import { migrateToLatest } from './migrations/index.ts';
import { trigramPlan } from './dialects/sqlite-search.ts';
import { openDialect } from './open.ts';
import { indexQueued } from './search/search-queue.ts';
import { SqlStore } from './sql-store.ts';

/**
 * SQLite (migration 0019): the trigram index keyed by room. Messages indexed before it are keyed
 * by the migration, later ones by the index's triggers; a term is looked up in the searcher's
 * rooms only, and a 1–2-character text through the trigrams it begins (the index holds each text
 * with a space after it: a text at the very end of a message, or all of it, is found too).
 */
const sqlite = backends().find((b) => b.name === 'sqlite')!;
describe('SQLite search: the trigram index keyed by room (0019)', () => {
  it('keys what was indexed before it and what comes after, and finds each term in the searcher’s rooms only', async () => {
    const p = await sqlite.provision();
    const dialect = openDialect(p);
    try {
      await migrateToLatest(dialect.db as Kysely<unknown>, dialect, () => {}, '0018_search_message_indexes');
      const store = new SqlStore(dialect);
      const a = await insertUser(store);
      const b = await insertUser(store);
      const mine = await insertRoom(store);
      const theirs = await insertRoom(store);
      await join(store, mine.id, a.id, 'owner');
      await join(store, theirs.id, b.id, 'owner');
      const said = async (room: string, sender: string, content: string) => (await post(store, room, sender, { content })).id;
      const edited = await said(mine.id, a.id, 'the pylon by the river');
      const gone = await said(mine.id, a.id, 'a pylon that will be deleted');
      await said(mine.id, a.id, '私は東京');
      await said(mine.id, a.id, '京都');
      await said(mine.id, a.id, 'zebraqx');
      await said(mine.id, a.id, 'qv');
      await said(mine.id, a.id, '東京タワーに行った');
      await said(theirs.id, b.id, '東京 pylon in a room the searcher is not in');
      // Indexed as 0018 indexes: the queue's batch (a search would do it first, with the code of 0019).
      await indexQueued(dialect.db, 100);

      const lines: string[] = [];
      await migrateToLatest(dialect.db as Kysely<unknown>, dialect, (name, _i, _n, detail) =>
        lines.push(detail === undefined ? name : `${name}: ${detail}`),
      );
      assert.deepEqual(
        lines.filter((l) => l.startsWith('0019')),
        [
          '0019_search_trigrams_by_room',
          '0019_search_trigrams_by_room: keyed 8/8 search rows by room',
          '0019_search_trigrams_by_room: indexed the trigrams of 8/8 search rows',
        ],
      );
      // Each room's range of the index on its own, and the whole index (a rare term, or a searcher in many rooms): the same hits.
      const saved = { ...trigramPlan };
      const once = async (q: string, plan: Partial<typeof trigramPlan>) => {
        try {
          Object.assign(trigramPlan, plan);
          return (
            await store.messages.search(a.id, parseSearchQuery(q, { now: new Date() }), { sort: 'recent', limit: 10, budgetMs: 5000 })
          ).items
            .map((m) => m.content)
            .sort();
        } finally {
          Object.assign(trigramPlan, saved);
        }
      };
      const find = async (q: string) => {
        const hits = await once(q, { globalMax: 0 });
        assert.deepEqual(await once(q, { perRoomMax: 0 }), hits, `${q}, across every room`);
        return hits;
      };
      assert.deepEqual(await find('ylo'), ['a pylon that will be deleted', 'the pylon by the river']);
      assert.deepEqual(await find('"pylon by"'), ['the pylon by the river']);
      // Two characters: in the middle, at the very end, and the whole message (phrases: no stem finds them).
      assert.deepEqual(await find('"東京"'), ['東京タワーに行った', '私は東京'].sort());
      assert.deepEqual(await find('"qx"'), ['zebraqx']);
      assert.deepEqual(await find('"qv"'), ['qv']);
      assert.deepEqual(await find('東京'), ['東京タワーに行った', '私は東京'].sort());
      assert.deepEqual(await find('京都'), ['京都']);
      assert.deepEqual(await find('行っ'), ['東京タワーに行った']);
      assert.deepEqual(await find('都x'), []);

      // After the migration: an edit, a delete, a new room (numbered by the trigger) and its messages.
      await store.transaction((tx) => tx.messages.update(edited, { content: 'now about the tower', edited_at: new Date().toISOString() }));
      await store.transaction((tx) => tx.messages.update(gone, { deleted_at: new Date().toISOString() }));
      const later = await insertRoom(store);
      await join(store, later.id, a.id, 'owner');
      await said(later.id, a.id, 'another pylon, later');
      await said(later.id, a.id, 'ends in 東京');
      assert.deepEqual(await find('ylo'), ['another pylon, later']);
      assert.deepEqual(await find('towe'), ['now about the tower']);
      assert.deepEqual(await find('東京'), ['ends in 東京', '東京タワーに行った', '私は東京']);
      // A rebuild (`rooms search-index rebuild`) writes the same index.
      await store.messages.rebuildSearchIndex();
      assert.deepEqual(await find('ylo'), ['another pylon, later']);
      assert.deepEqual(await find('東京'), ['ends in 東京', '東京タワーに行った', '私は東京']);
    } finally {
      await dialect.close();
      await p.cleanup();
    }
  });
});
