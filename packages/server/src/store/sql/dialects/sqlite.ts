import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type DatabaseConnection, type Driver, type SqliteDatabase, type TransactionSettings } from 'kysely';
import type { DB } from '../schema.ts';
import type { SqlDialect } from './dialect.ts';

/** Compiled statements kept per SQL text; past this, the oldest is dropped (the server runs far fewer distinct statements). */
const STATEMENT_CACHE = 500;

/**
 * Kysely prepares every query it runs, and better-sqlite3 compiles SQL on every prepare: a send
 * spent more time compiling its dozen statements than running them. This keeps the compiled
 * statements by SQL text (a statement still iterating a streamed query is never handed out twice).
 */
function cachingStatements(conn: Database.Database, max = STATEMENT_CACHE): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => conn.close(),
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) return hit;
      const stmt = conn.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

/**
 * Kysely's SQLite driver guards its one connection with a mutex that wakes every waiter on each
 * release (all but one go back to waiting): with hundreds of sends queued, each query cost work
 * in proportion to the queue, and throughput fell as load rose. This hands the connection to the
 * next waiter in arrival order instead, so a release costs the same at any queue length.
 */
class FifoDriver implements Driver {
  private readonly inner: Driver;
  private busy = false;
  /** Waiters in arrival order, from `head` on (compacted now and then: shift() is linear on a long queue). */
  private waiting: (() => void)[] = [];
  private head = 0;

  constructor(inner: Driver) {
    this.inner = inner;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    return this.inner.acquireConnection();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(connection);
    const next = this.waiting[this.head];
    if (!next) {
      this.busy = false;
      return;
    }
    this.waiting[this.head++] = undefined as never;
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    next();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

class FifoSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new FifoDriver(super.createDriver());
  }
}

/** SQLite through better-sqlite3: WAL for concurrent readers, foreign keys on, a busy timeout for the CLI beside the server. */
export function openSqlite(file: string): SqlDialect {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const conn = new Database(file);
  conn.pragma('journal_mode = WAL');
  // NORMAL with WAL survives process crashes (only power loss can drop the last commits).
  conn.pragma('synchronous = NORMAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new FifoSqliteDialect({ database: cachingStatements(conn) }) });
  return {
    name: 'sqlite',
    db,
    types: { uuid: 'text', timestamp: 'text' },
    isUniqueViolation: (err) => (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT_UNIQUE') === true || (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    close: () => db.destroy(),
  };
}
