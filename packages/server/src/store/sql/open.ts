import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Store } from '../store.ts';
import type { QueryTimer, SqlDialect } from './dialects/dialect.ts';
import { openPostgres } from './dialects/postgres.ts';
import { openSqlite } from './dialects/sqlite.ts';
import { hasBeenMigrated, migrateToLatest, type MigrationListener } from './migrations/index.ts';
import { NO_SEARCH_INDEX_WRITES } from './search/search-index.ts';
import { SqlStore } from './sql-store.ts';

export interface OpenStoreOptions {
  /** postgres://… ; absent → SQLite. */
  databaseUrl?: string | undefined;
  /** Where the SQLite file lives when no databaseUrl is given. */
  dataDir: string;
  /** Bring the schema up to date first (the server does; `rooms migrate` does it alone). */
  migrate?: boolean;
  /**
   * Refuse (DatabaseNotSetUpError) a database that was never migrated, and never create an SQLite
   * file: the admin commands, whose wrong DATA_DIR or missing DATABASE_URL must not quietly get a
   * fresh, empty database.
   */
  mustBeSetUp?: boolean;
  onMigration?: MigrationListener;
  /** A connection beside the requests failed: an idle one (PostgreSQL; the pool replaces it) or the checkpointer's (SQLite; it tries again). For logging. */
  onConnectionError?: (err: Error) => void;
  /** Times every statement (a diagnostic: SQL_TIMING). */
  onQuery?: QueryTimer;
  /**
   * false: messages are not written to the search index (nor queued for it). Not a setting: only the benchmark's Rooms without the index opens a store so
   * (bench/rooms-noindex-server.ts), to measure what indexing costs the send path in the same run.
   */
  searchIndex?: boolean;
}

/** A database that was never set up (no migration ever ran on it), refused by mustBeSetUp. */
export class DatabaseNotSetUpError extends Error {}

const sqlitePath = (dataDir: string) => join(dataDir, 'rooms.sqlite');

/** Which database the configuration names, for an operator: its kind and where it is (no password). */
export function describeDatabase(opts: Pick<OpenStoreOptions, 'databaseUrl' | 'dataDir'>): string {
  if (!opts.databaseUrl) return `SQLite ${opts.dataDir === ':memory:' ? '(in memory)' : resolve(sqlitePath(opts.dataDir))}`;
  const url = new URL(opts.databaseUrl);
  url.password = '';
  return `PostgreSQL ${url.toString()}`;
}

export function openDialect(opts: Pick<OpenStoreOptions, 'databaseUrl' | 'dataDir' | 'onConnectionError' | 'onQuery'>): SqlDialect {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, 10, opts.onConnectionError, opts.onQuery);
  return openSqlite(opts.dataDir === ':memory:' ? ':memory:' : sqlitePath(opts.dataDir), opts.onConnectionError, opts.onQuery);
}

/** The dialect with no search index writes: chosen here once, so a send with the index pays no check for it. */
function withoutSearchIndex(dialect: SqlDialect): SqlDialect {
  return { ...dialect, searchIndexWrites: NO_SEARCH_INDEX_WRITES, searchIndexLater: false };
}

/** Opens the configured database, migrated when asked. The one place that picks a backend. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const notSetUp = () =>
    new DatabaseNotSetUpError(
      `The database (${describeDatabase(opts)}) has never been set up. Check DATA_DIR / DATABASE_URL; to set up a new one, run: rooms migrate`,
    );
  if (opts.mustBeSetUp && !opts.databaseUrl && !existsSync(sqlitePath(opts.dataDir))) throw notSetUp();
  const opened = openDialect(opts);
  const dialect = opts.searchIndex === false ? withoutSearchIndex(opened) : opened;
  try {
    if (opts.mustBeSetUp && !(await hasBeenMigrated(dialect.db as Kysely<unknown>))) throw notSetUp();
    if (opts.migrate !== false) await migrateToLatest(dialect.db as Kysely<unknown>, dialect, opts.onMigration);
  } catch (err) {
    await dialect.close();
    throw err;
  }
  return new SqlStore(dialect);
}
