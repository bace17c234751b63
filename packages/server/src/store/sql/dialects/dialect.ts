import type { CompiledQuery, Kysely, LogEvent, QueryResult, Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import type { SearchIndexWrites } from '../search/search-index.ts';
import type { SearchSql } from '../search/search-sql.ts';

/** Column types that differ by database; migrations ask the dialect instead of branching. */
export interface ColumnTypes {
  uuid: 'text' | 'uuid';
  timestamp: 'text' | 'timestamptz';
}

/** Everything that differs between SQLite and PostgreSQL lives behind this, one file per database. */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly db: Kysely<DB>;
  readonly types: ColumnTypes;
  /** SQLite: one writer, so queued transactions are committed together (see group-commit.ts). */
  readonly groupCommit?: GroupCommitOptions;
  /** Message search: the index and how queries use it. */
  readonly search: SearchSql;
  /** How messages reach the search index; absent: in their own transactions (SEARCH_INDEX_WRITES). Set by openStore's searchIndex only. */
  readonly searchIndexWrites?: SearchIndexWrites;
  /** New messages are queued and indexed in batches after their sends (SQLite, migration 0017: search-queue.ts). */
  readonly searchIndexLater?: boolean;
  isUniqueViolation(err: unknown): boolean;
  close(): Promise<void>;
}

export interface GroupCommitOptions {
  /** Keep a batch open a little for the units about to arrive (see group-commit.ts). */
  hold: boolean;
  /** Runs a statement at once on the connection a batch's transaction holds (timed like Kysely's own). */
  runOnWriter?: (q: CompiledQuery) => QueryResult<unknown>;
  /** Runs fn in a transaction on the writer, without Kysely's transaction machinery (a batch's transaction). */
  transaction?: <T>(fn: (trx: Transaction<DB>) => Promise<T>) => Promise<T>;
}

/** Told each statement's SQL text and how long it ran (SQL_TIMING). */
export type QueryTimer = (sql: string, ms: number) => void;

/** Kysely's query log, when statements are timed: Kysely measures each around the driver's execute. */
export function timedLog(onQuery: QueryTimer | undefined): { log?: (e: LogEvent) => void } {
  if (!onQuery) return {};
  return { log: (e) => e.level === 'query' && onQuery(e.query.sql, e.queryDurationMillis) };
}
