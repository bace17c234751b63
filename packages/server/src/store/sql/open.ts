import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Store } from '../store.ts';
import type { QueryTimer, SqlDialect } from './dialects/dialect.ts';
import { openPostgres } from './dialects/postgres.ts';
import { openSqlite } from './dialects/sqlite.ts';
import { migrateToLatest, type MigrationListener } from './migrations/index.ts';
import { SqlStore } from './sql-store.ts';

export interface OpenStoreOptions {
  /** postgres://… ; absent → SQLite. */
  databaseUrl?: string | undefined;
  /** Where the SQLite file lives when no databaseUrl is given. */
  dataDir: string;
  /** Bring the schema up to date first (the server does; `rooms migrate` does it alone). */
  migrate?: boolean;
  onMigration?: MigrationListener;
  /** A connection beside the requests failed: an idle one (PostgreSQL; the pool replaces it) or the checkpointer's (SQLite; it tries again). For logging. */
  onConnectionError?: (err: Error) => void;
  /** Times every statement (a diagnostic: SQL_TIMING). */
  onQuery?: QueryTimer;
}

export function openDialect(opts: Pick<OpenStoreOptions, 'databaseUrl' | 'dataDir' | 'onConnectionError' | 'onQuery'>): SqlDialect {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, 10, opts.onConnectionError, opts.onQuery);
  return openSqlite(opts.dataDir === ':memory:' ? ':memory:' : join(opts.dataDir, 'rooms.sqlite'), opts.onConnectionError, opts.onQuery);
}

/** Opens the configured database, migrated when asked. The one place that picks a backend. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const dialect = openDialect(opts);
  try {
    if (opts.migrate !== false) await migrateToLatest(dialect.db as Kysely<unknown>, dialect, opts.onMigration);
  } catch (err) {
    await dialect.close();
    throw err;
  }
  return new SqlStore(dialect);
}
