import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import * as m0001 from './0001_accounts.ts';
import * as m0002 from './0002_rooms_messages.ts';
import * as m0003 from './0003_notifications.ts';
import * as m0004 from './0004_messages_are_their_own_log.ts';
import * as m0005 from './0005_ticket_token_version.ts';
import * as m0006 from './0006_attachments.ts';
import * as m0009 from './0009_sessions_keys.ts';

type Step = { up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> };

/** Forward-only migrations, in order. Never edit one that has shipped: add the next. */
const STEPS: Record<string, Step> = {
  '0001_accounts': m0001,
  '0002_rooms_messages': m0002,
  '0003_notifications': m0003,
  '0004_messages_are_their_own_log': m0004,
  '0005_ticket_token_version': m0005,
  '0006_attachments': m0006,
  '0009_sessions_keys': m0009,
};

export const MIGRATION_NAMES = Object.keys(STEPS);

/**
 * Brings the schema up to date. Kysely's migrator takes a lock (an advisory lock on PostgreSQL),
 * so several nodes starting at once run each migration exactly once.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  types: ColumnTypes,
  onStep: (name: string, index: number, total: number) => void = () => {},
): Promise<MigrationResultSet> {
  const total = MIGRATION_NAMES.length;
  const migrations: Record<string, Migration> = Object.fromEntries(
    MIGRATION_NAMES.map((name, i) => [
      name,
      {
        up: async (trx: Kysely<unknown>) => {
          onStep(name, i + 1, total);
          await STEPS[name]!.up(trx, types);
        },
      },
    ]),
  );
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
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
