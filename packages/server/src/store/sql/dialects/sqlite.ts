import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SelectQueryNode,
  SqliteDialect,
  Transaction,
  type ConnectionProvider,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDatabase,
} from 'kysely';
import type { DB } from '../schema.ts';
import { timedLog, type QueryTimer, type SqlDialect } from './dialect.ts';
import { registerSearchFunctions, sqliteSearch } from './sqlite-search.ts';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.ts';

/**
 * Past this many WAL pages the writer checkpoints in its own commit. Under continuous writes the
 * checkpointer thread copies most of the WAL but never catches up (each of its checkpoints waits
 * ~20 ms for fsyncs while commits go on), so the WAL cannot restart and this is what ends each
 * cycle: on the event loop, two fsyncs and the truncation below, 25-35 ms (perf trace, 100×10 at
 * 4,000 msg/s: once every ~0.9 s at 10,000 pages). At 40,000 pages (~160 MB) that stall comes
 * four times less often; the thread has copied all but the last pages by then, so it costs no more.
 */
const WRITER_CHECKPOINT_PAGES = 40_000;
/**
 * A WAL that grew past this is cut back to it when it restarts. Above the writer's threshold, so
 * a cycle that ends at that threshold is not truncated (12 ms of ftruncate on the event loop
 * each time at 16 MB); only a burst larger than that is.
 */
const WAL_SIZE_LIMIT = 192 * 2 ** 20;

/** Compiled statements kept per SQL text; past this, the oldest is dropped (the server runs far fewer distinct statements). */
const STATEMENT_CACHE = 500;

/** Statements handed to a streamed query (Session.streamQuery): the only ones that can be busy, iterating, when asked for again. */
const streamed = new WeakSet<object>();

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
      // Only a statement a stream iterated can still be busy: the others are not asked (`busy` is
      // a call into the addon, and it was ~5 % of a send's profile samples, for every statement).
      if (hit && !(streamed.has(hit) && hit.busy)) return hit;
      const stmt = conn.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

/** Hands one resource to its waiters in arrival order; a release costs the same at any queue length. */
class FifoLock {
  private held = false;
  /** Waiters in arrival order, from `head` on (compacted now and then: shift() is linear on a long queue). */
  private waiting: (() => void)[] = [];
  private head = 0;

  get busy(): boolean {
    return this.held;
  }

  async acquire(): Promise<void> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
  }

  release(): void {
    const next = this.waiting[this.head];
    if (!next) {
      this.held = false;
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
}

function run(db: SqliteDatabase, q: CompiledQuery): QueryResult<unknown> {
  const stmt = db.prepare(q.sql);
  if (stmt.reader) return { rows: stmt.all(q.parameters) as unknown[] };
  const { changes, lastInsertRowid } = stmt.run(q.parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/**
 * What Kysely holds between acquiring and releasing a connection. The writer is taken only when
 * needed: for a transaction, or a statement that writes. A plain select outside a transaction runs
 * on the read-only connection, which WAL lets read the last commit while the writer is busy (so
 * the reads a send makes before its transaction never queue behind other sends' transactions).
 */
class Session implements DatabaseConnection {
  holdsWriter = false;
  private readonly driver: OneWriterDriver;

  constructor(driver: OneWriterDriver) {
    this.driver = driver;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    // A select outside a transaction while no transaction holds the writer runs on the writer, at
    // once and synchronously (nothing can begin in between): the writer's page cache stays valid
    // across its own commits, where the reader's is dropped after each commit by the writer, so
    // the same lookup cost 2-3x more there. The reader serves the selects that would wait.
    if (!this.holdsWriter && !this.driver.writerLock.busy && SelectQueryNode.is(q.query))
      return run(this.driver.writer, q) as QueryResult<R>;
    return run(await this.connectionFor(q), q) as QueryResult<R>;
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(q.query)) throw new Error('SQLite streams select queries only');
    const stmt = (await this.connectionFor(q)).prepare(q.sql);
    streamed.add(stmt);
    for (const row of stmt.iterate(q.parameters)) yield { rows: [row as R] };
  }

  /** The reader for a select outside a transaction; the writer (taken, if not yet) for anything else. */
  private async connectionFor(q: CompiledQuery): Promise<SqliteDatabase> {
    const reader = this.driver.reader;
    if (!this.holdsWriter && reader && SelectQueryNode.is(q.query)) return reader;
    await this.takeWriter();
    return this.driver.writer;
  }

  async takeWriter(): Promise<void> {
    if (this.holdsWriter) return;
    await this.driver.writerLock.acquire();
    this.holdsWriter = true;
  }
}

/**
 * Kysely's own SQLite driver guards its one connection with a mutex that wakes every waiter on
 * each release (all but one go back to waiting): with hundreds of sends queued, each query cost
 * work in proportion to the queue. This one hands the writer to the next waiter in arrival
 * order, and sends plain reads to a second, read-only connection when the database is a file.
 */
class OneWriterDriver implements Driver {
  readonly writer: SqliteDatabase;
  readonly reader: SqliteDatabase | undefined;
  readonly writerLock = new FifoLock();
  private readonly onQuery: QueryTimer | undefined;
  /**
   * Sessions released, for the next acquisitions. Kysely acquires one for every query outside a
   * transaction and every transaction, and remembers each new one in a WeakSet: a new Session
   * each time was an allocation and a WeakSet entry (collected as an ephemeron) per query.
   */
  private readonly idle: Session[] = [];

  constructor(writer: SqliteDatabase, reader: SqliteDatabase | undefined, onQuery: QueryTimer | undefined) {
    this.writer = writer;
    this.reader = reader;
    this.onQuery = onQuery;
  }

  async init(): Promise<void> {}

  /** A statement of the transaction that holds the writer, run at once (see GroupCommitOptions). */
  runOnWriter(q: CompiledQuery): QueryResult<unknown> {
    if (!this.onQuery) return run(this.writer, q);
    const t0 = performance.now();
    const result = run(this.writer, q);
    this.onQuery(q.sql, performance.now() - t0);
    return result;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.idle.pop() ?? new Session(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as Session;
    await session.takeWriter();
    run(this.writer, BEGIN);
  }

  async commitTransaction(): Promise<void> {
    // Kysely's log sees statements only; the commit (writing the WAL) is timed here.
    const t0 = this.onQuery ? performance.now() : 0;
    run(this.writer, COMMIT);
    this.onQuery?.('commit', performance.now() - t0);
  }

  async rollbackTransaction(): Promise<void> {
    run(this.writer, ROLLBACK);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const session = connection as Session;
    if (this.idle.length < IDLE_SESSIONS) this.idle.push(session);
    if (!session.holdsWriter) return;
    session.holdsWriter = false;
    this.writerLock.release();
  }

  async destroy(): Promise<void> {
    this.reader?.close();
    this.writer.close();
  }
}

/** Released sessions kept for reuse: as many as queries in flight at once, give or take. */
const IDLE_SESSIONS = 64;

/**
 * Transactions on the writer without Kysely's transaction machinery, for the group commit. Kysely
 * builds each one through a transaction builder, a connection provider, a Session acquired and
 * released, and a Transaction with executors of its own: at one send per transaction, ~6 % of a
 * send's CPU at 200 msg/s. Here the writer is taken, BEGIN runs, and fn gets a Transaction whose
 * every statement runs straight on the writer (timed like the others); a commit that fails is
 * rolled back, as Kysely does. The handle refuses any statement after its transaction ended,
 * with Kysely's own error, so nothing kept past it runs outside a transaction.
 */
function writerTransactions(driver: OneWriterDriver, db: Kysely<DB>): <T>(fn: (trx: Transaction<DB>) => Promise<T>) => Promise<T> {
  const executor = db.getExecutor();
  const dialect = new OneWriterSqliteDialect(driver);
  const config = { dialect };
  const onWriter: DatabaseConnection = {
    executeQuery: async <R>(q: CompiledQuery) => driver.runOnWriter(q) as QueryResult<R>,
    async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
      if (!SelectQueryNode.is(q.query)) throw new Error('SQLite streams select queries only');
      const stmt = driver.writer.prepare(q.sql);
      streamed.add(stmt);
      for (const row of stmt.iterate(q.parameters)) yield { rows: [row as R] };
    },
  };
  return async (fn) => {
    await driver.writerLock.acquire();
    /** Set when the transaction ended: its handle runs nothing more. */
    let ended: string | undefined;
    try {
      run(driver.writer, BEGIN);
      const provider: ConnectionProvider = {
        provideConnection: (consumer) => {
          if (ended) throw new Error(ended);
          return consumer(onWriter);
        },
      };
      const trx = new Transaction<DB>({ config, dialect, driver, executor: executor.withConnectionProvider(provider) });
      try {
        const result = await fn(trx);
        await driver.commitTransaction();
        ended = 'Transaction is already committed';
        return result;
      } catch (err) {
        ended = 'Transaction is already rolled back';
        await driver.rollbackTransaction();
        throw err;
      }
    } finally {
      ended ??= 'Transaction is already rolled back';
      driver.writerLock.release();
    }
  };
}

const BEGIN = CompiledQuery.raw('begin');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

class OneWriterSqliteDialect extends SqliteDialect {
  private readonly driver: OneWriterDriver;

  constructor(driver: OneWriterDriver) {
    super({ database: driver.writer });
    this.driver = driver;
  }

  override createDriver(): Driver {
    return this.driver;
  }
}

/**
 * Each connection's page cache, in KiB (SQLite's default is 2 MiB). A search or a history page
 * reads pages all over a large database; with 2 MiB nearly every one was a read() from the OS,
 * several per row, and a search over a million messages spent most of its time there.
 */
const PAGE_CACHE_KIB = 64 * 1024;

/** SQLite through better-sqlite3: WAL for concurrent readers, foreign keys on, a busy timeout for the CLI beside the server. */
export function openSqlite(file: string, onError: (err: Error) => void = () => {}, onQuery?: QueryTimer): SqlDialect {
  if (file !== ':memory:') {
    // The database holds password hashes, e-mails and private messages: owner only. SQLite would
    // create the file 0644 and gives its -wal and -shm the mode of the main file, so the main file
    // is created first, 0600 (an existing one keeps its mode; the server warns about it at start).
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
  }
  const conn = new Database(file);
  conn.pragma('journal_mode = WAL');
  // NORMAL with WAL survives process crashes (only power loss can drop the last commits).
  conn.pragma('synchronous = NORMAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  conn.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  // A unit of a group commit after the first runs in a savepoint (group-commit.ts), and SQLite
  // keeps what a savepoint or a statement may have to undo in a sub-journal, a temp file past
  // 64 KiB: the search queue's batch (hundreds of pages of FTS5 segments and merges) wrote most
  // of its pages there too, a write() each: 6-9 % of its CPU (issue 17, bench/index-batch-ab.ts
  // --savepoint). In memory, a savepoint costs the batch nothing measurable.
  conn.pragma('temp_store = memory');
  registerSearchFunctions(conn);
  // A second connection for reads, and a thread for checkpoints; an in-memory database is private
  // to its connection, so it has neither.
  let reader: Database.Database | undefined;
  let checkpointer: Checkpointer | undefined;
  if (file !== ':memory:') {
    reader = new Database(file, { readonly: true });
    reader.pragma('busy_timeout = 5000');
    reader.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    registerSearchFunctions(reader);
    // The commits only append to the WAL; the checkpointer's thread copies it into the file. The
    // writer checkpoints itself only if the WAL grows past this (~160 MB): a bound, should the thread lag.
    conn.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    conn.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    checkpointer = startCheckpointer(file, (message) => onError(new Error(`SQLite checkpoint: ${message}`)));
  }
  const driver = new OneWriterDriver(cachingStatements(conn), reader && cachingStatements(reader), onQuery);
  const db = new Kysely<DB>({ dialect: new OneWriterSqliteDialect(driver), ...timedLog(onQuery) });
  return {
    name: 'sqlite',
    db,
    types: { uuid: 'text', timestamp: 'text' },
    search: sqliteSearch,
    // Holding a batch open (a turn, or up to HOLD_MS) is only free when reads do not need the writer.
    groupCommit: {
      hold: reader !== undefined,
      runOnWriter: (q) => driver.runOnWriter(q),
      transaction: writerTransactions(driver, db),
    },
    searchIndexLater: true,
    isUniqueViolation: (err) =>
      (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT_UNIQUE') === true ||
      (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
