/**
 * The SQLite checkpointer's thread (see sqlite-checkpointer.ts): its own connection to the
 * database file copies committed WAL pages into the file, every few milliseconds, passively (it
 * never waits for or blocks the writer, and readers keep their snapshots).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file);
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('pragma wal_checkpoint(passive)');

const timer = setInterval(() => {
  try {
    checkpoint.run();
  } catch (err) {
    // SQLITE_BUSY and the like: the next tick tries again; the writer's own fallback bounds the WAL.
    parentPort!.postMessage({ type: 'error', message: (err as Error).message });
  }
}, intervalMs);

parentPort!.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
