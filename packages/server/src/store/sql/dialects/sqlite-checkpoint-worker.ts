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

/** The last failure reported: a lasting one (a disk error) is told once, not 20 times a second. */
let failing: string | undefined;
const timer = setInterval(() => {
  try {
    checkpoint.run();
    failing = undefined;
  } catch (err) {
    // The next tick tries again; the writer's own threshold bounds the WAL meanwhile.
    const message = (err as Error).message;
    if (message !== failing) parentPort!.postMessage({ type: 'error', message });
    failing = message;
  }
}, intervalMs);

parentPort!.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
