import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from '../schema.ts';
import type { SqlDialect } from './dialect.ts';

/** SQLite through better-sqlite3: WAL for concurrent readers, foreign keys on, a busy timeout for the CLI beside the server. */
export function openSqlite(file: string): SqlDialect {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const conn = new Database(file);
  conn.pragma('journal_mode = WAL');
  // NORMAL with WAL survives process crashes (only power loss can drop the last commits).
  conn.pragma('synchronous = NORMAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: conn }) });
  return {
    name: 'sqlite',
    db,
    types: { uuid: 'text', timestamp: 'text' },
    isUniqueViolation: (err) => (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT_UNIQUE') === true || (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    close: () => db.destroy(),
  };
}
