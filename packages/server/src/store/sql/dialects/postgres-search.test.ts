import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { backends } from '../../../../test/helpers/services.ts';
import { parseSearchQuery } from '../../../domain/search-query.ts';
import { insertUser } from '../../contract/fixtures.ts';
import { at, insertRoom, join, post } from '../../contract/room-fixtures.ts';
import { migrateToLatest } from '../migrations/index.ts';
import { openDialect } from '../open.ts';
import { SqlStore } from '../sql-store.ts';

const postgres = backends().find((b) => b.name === 'postgres')!;

describe('PostgreSQL search planning', { skip: !postgres.available && 'TEST_DATABASE_URL not set' }, () => {
  it('runs a search with no parallel workers, no JIT and a cached-page random_page_cost, for its transaction only', async () => {
    const p = await postgres.provision();
    const dialect = openDialect(p);
    try {
      const settings = (db: typeof dialect.db) =>
        sql<{ workers: string; jit: string; page: string }>`select current_setting('max_parallel_workers_per_gather') as workers,
          current_setting('jit') as jit, current_setting('random_page_cost') as page`
          .execute(db)
          .then((r) => r.rows[0]);
      const before = await settings(dialect.db);
      const inside = await dialect.search.withBudget(dialect.db, 1000, settings);
      assert.deepEqual(inside, { workers: '0', jit: 'off', page: '1.1' });
      assert.deepEqual(await settings(dialect.db), before, 'the pool connection is left as it was');
    } finally {
      await dialect.close();
      await p.cleanup();
    }
  });

  it('indexes messages by sender, and the live messages of each room, for search (migration 0018)', async () => {
    const p = await postgres.provision();
    const dialect = openDialect(p);
    try {
      const indexes = async () =>
        (
          await sql<{
            d: string;
          }>`select indexdef as d from pg_indexes where indexname in ('messages_sender_created', 'messages_room_live') order by indexname`.execute(
            dialect.db,
          )
        ).rows.map((r) => r.d.replace(/^.* USING /, ''));
      await migrateToLatest(dialect.db as Kysely<unknown>, dialect, () => {}, '0017_search_index_later');
      assert.deepEqual(await indexes(), []);
      await migrateToLatest(dialect.db as Kysely<unknown>, dialect);
      assert.deepEqual(await indexes(), [
        'btree (room_id, seq) INCLUDE (id, created_at) WHERE (deleted_at IS NULL)',
        'btree (sender_id, created_at)',
      ]);
    } finally {
      await dialect.close();
      await p.cleanup();
    }
  });

  it("indexes each search row's room, the rows that exist and those written later, and the grams of non-ASCII text (migration 0020)", async () => {
    const p = await postgres.provision();
    const dialect = openDialect(p);
    try {
      await migrateToLatest(dialect.db as Kysely<unknown>, dialect, () => {}, '0018_search_message_indexes');
      const store = new SqlStore(dialect);
      const a = await insertUser(store);
      const b = await insertUser(store);
      const mine = await insertRoom(store);
      const theirs = await insertRoom(store);
      await join(store, mine.id, a.id);
      await join(store, theirs.id, b.id);
      const before = await post(store, mine.id, a.id, { content: '東京タワーに行った redeployment', created_at: at(1) });
      await post(store, theirs.id, b.id, { content: '東京タワーに行った redeployment', created_at: at(2) });
      await migrateToLatest(dialect.db as Kysely<unknown>, dialect);
      const later = await post(store, mine.id, a.id, { content: '京都は美しい', created_at: at(3) });

      const rooms = await sql<{ n: string }>`select count(*) as n from message_search s join messages m on m.id = s.message_id
        where s.room_id = m.room_id`.execute(dialect.db);
      assert.equal(Number(rooms.rows[0]!.n), 3, "every row, before the migration and after it, has its message's room");
      const indexes = await sql<{
        d: string;
      }>`select indexdef as d from pg_indexes where tablename = 'message_search' and indexname <> 'message_search_pkey' order by indexname`.execute(
        dialect.db,
      );
      assert.deepEqual(
        indexes.rows.map((r) => r.d.replace(/^.* USING /, '')),
        ['gin (grams)', 'btree (room_id)', 'gin (stems)', 'gin (body gin_trgm_ops)'],
      );
      const constraints = await sql<{
        n: string;
      }>`select conname as n from pg_constraint where conrelid = 'message_search'::regclass order by conname`.execute(dialect.db);
      assert.deepEqual(
        constraints.rows.map((r) => r.n),
        ['message_search_message_id_fkey', 'message_search_pkey'],
      );
      const grams = await sql<{ g: string[] }>`select search_grams('ab 東京 x é!タ') as g`.execute(dialect.db);
      assert.deepEqual([...grams.rows[0]!.g].sort(), ['京', '東', '東京', 'é', 'タ'].sort());

      const find = async (q: string) =>
        (
          await store.messages.search(a.id, parseSearchQuery(q, { now: new Date() }), { sort: 'relevance', limit: 10, budgetMs: 5000 })
        ).items.map((m) => m.id);
      assert.deepEqual(await find('東京'), [before.id]);
      assert.deepEqual(await find('京'), [later.id, before.id]);
      assert.deepEqual(await find('deploy'), [before.id]);
      assert.deepEqual(await find('都は'), [later.id]);
    } finally {
      await dialect.close();
      await p.cleanup();
    }
  });
});
