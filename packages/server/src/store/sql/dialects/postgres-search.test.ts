import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { backends } from '../../../../test/helpers/services.ts';
import { migrateToLatest } from '../migrations/index.ts';
import { openDialect } from '../open.ts';

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
});
