import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { SearchSql } from '../search/search-sql.ts';
import * as m0001 from './0001_accounts.ts';
import * as m0002 from './0002_rooms_messages.ts';
import * as m0003 from './0003_notifications.ts';
import * as m0004 from './0004_messages_are_their_own_log.ts';
import * as m0005 from './0005_ticket_token_version.ts';
import * as m0006 from './0006_attachments.ts';
import * as m0007 from './0007_search.ts';
import * as m0008 from './0008_core_features.ts';
import * as m0009 from './0009_sessions_keys.ts';
import * as m0010 from './0010_audit_log.ts';
import * as m0014 from './0014_hidden_direct_rooms.ts';
import * as m0015 from './0015_search_pending.ts';
import * as m0016 from './0016_search_trigram_later.ts';
import * as m0017 from './0017_search_index_later.ts';
import * as m0018 from './0018_search_message_indexes.ts';
import * as m0019 from './0019_search_trigrams_by_room.ts';
import * as m0020 from './0020_search_index_by_room.ts';
import * as m0021 from './0021_search_keys_unindexed.ts';
import * as m0022 from './0022_search_merges_in_steps.ts';

/** What a migration may need besides the column types: the dialect's search DDL, and a way to report progress. */
export interface MigrationContext {
  search: SearchSql;
  /** A progress line for a long step ("indexed 10000/250000 messages"). */
  progress: (detail: string) => void;
}

type Step = { up(db: Kysely<unknown>, t: ColumnTypes, ctx: MigrationContext): Promise<void> };

/** Told when a migration starts (no detail), and of its progress on a long step (with one). */
export type MigrationListener = (name: string, index: number, total: number, detail?: string) => void;

/** Forward-only migrations, in order. Never edit one that has shipped: add the next. */
const STEPS: Record<string, Step> = {
  '0001_accounts': m0001,
  '0002_rooms_messages': m0002,
  '0003_notifications': m0003,
  '0004_messages_are_their_own_log': m0004,
  '0005_ticket_token_version': m0005,
  '0006_attachments': m0006,
  '0007_search': m0007,
  '0008_core_features': m0008,
  '0009_sessions_keys': m0009,
  '0010_audit_log': m0010,
  '0014_hidden_direct_rooms': m0014,
  '0015_search_pending': m0015,
  '0016_search_trigram_later': m0016,
  '0017_search_index_later': m0017,
  '0018_search_message_indexes': m0018,
  '0019_search_trigrams_by_room': m0019,
  '0020_search_index_by_room': m0020,
  '0021_search_keys_unindexed': m0021,
  '0022_search_merges_in_steps': m0022,
};

export const MIGRATION_NAMES = Object.keys(STEPS);

/**
 * Brings the schema up to date (or up to the migration `upTo`, for tests of a migration over
 * existing data). Kysely's migrator takes a lock (an advisory lock on PostgreSQL), so several
 * nodes starting at once run each migration exactly once.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: { types: ColumnTypes; search: SearchSql },
  onStep: MigrationListener = () => {},
  upTo?: string,
): Promise<MigrationResultSet> {
  const total = MIGRATION_NAMES.length;
  const migrations: Record<string, Migration> = Object.fromEntries(
    MIGRATION_NAMES.map((name, i) => [
      name,
      {
        up: async (trx: Kysely<unknown>) => {
          onStep(name, i + 1, total);
          const progress = (detail: string) => onStep(name, i + 1, total, detail);
          await STEPS[name]!.up(trx, dialect.types, { search: dialect.search, progress });
        },
      },
    ]),
  );
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
  if (result.error) throw result.error;
  return result;
}

/** Whether any migration ever ran on this database (Kysely's bookkeeping table exists and has a row). */
export async function hasBeenMigrated(db: Kysely<unknown>): Promise<boolean> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return false;
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from kysely_migration`.execute(db);
  return Number(rows[0]?.n ?? 0) > 0;
}
