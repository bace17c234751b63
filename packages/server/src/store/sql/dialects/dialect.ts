import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';

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
  readonly groupCommit?: { hold: boolean };
  isUniqueViolation(err: unknown): boolean;
  close(): Promise<void>;
}
