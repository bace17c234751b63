/**
 * The search queue's thread (see search-index-thread.ts): its own connection to the database file
 * indexes the oldest queued messages when asked, in a transaction of its own, while the main
 * thread holds the writer for it. The batch's CPU (the search forms, FTS5's segments and merges)
 * is spent here, off the event loop.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { parentPort, workerData } from 'node:worker_threads';
import type { DB } from '../schema.ts';
import { indexQueued, type RoomNumbers } from './search-queue.ts';
import type { IndexReply, IndexRequest } from './search-index-thread.ts';

const { file, cacheKib } = workerData as { file: string; cacheKib: number };
const conn = new Database(file);
conn.pragma('busy_timeout = 5000');
conn.pragma('foreign_keys = ON');
conn.pragma(`cache_size = -${cacheKib}`);
// As on the writer (sqlite.ts): a batch's undo records stay in memory.
conn.pragma('temp_store = memory');
// The checkpointer's thread and the writer's own bound checkpoint the WAL, not these commits.
conn.pragma('wal_autocheckpoint = 0');
const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: conn }) });
/** Rooms' numbers in the trigram index, kept between batches (see RoomNumbers). */
const rooms: RoomNumbers = new Map();
const port = parentPort!;
const reply = (m: IndexReply) => port.postMessage(m);

/** One batch: the main thread sends the next request only after this one's reply. */
async function indexBatch(id: number, limit: number): Promise<void> {
  const start = performance.now();
  try {
    conn.exec('begin immediate');
    try {
      const indexed = await indexQueued(db, limit, rooms);
      conn.exec('commit');
      reply({ type: 'indexed', id, indexed, ms: performance.now() - start });
    } catch (err) {
      if (conn.inTransaction) conn.exec('rollback');
      // Rooms numbered in a batch that rolled back may not be numbered after all.
      rooms.clear();
      throw err;
    }
  } catch (err) {
    reply({ type: 'failed', id, message: (err as Error).message });
  }
}

/** The batch running, if any: a stop waits for it (its transaction is not cut off mid-way). */
let running: Promise<void> = Promise.resolve();
port.on('message', (m: IndexRequest) => {
  if (m.type === 'index') running = indexBatch(m.id, m.limit);
  else if (m.type === 'stop') void running.then(() => db.destroy()).finally(() => port.close());
});
