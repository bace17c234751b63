/**
 * The SQLite checkpointer's thread (see sqlite-checkpointer.ts): its own connection to the
 * database file copies committed WAL pages into the file when CheckpointPolicy says so,
 * passively (it never waits for or blocks the writer, and readers keep their snapshots).
 */
import Database from 'better-sqlite3';
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { CheckpointPolicy, parseWalIndexHeader, POLL_MS, WAL_INDEX_HEADER_BYTES, type WalState } from './sqlite-checkpointer.ts';

/** Without a readable wal-index header, checkpoint every this many polls (500 ms), as before the policy. */
const BLIND_EVERY = 5;

const { file } = workerData as { file: string };
const db = new Database(file);
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('pragma wal_checkpoint(passive)');
/** The wal-index file, opened at the first poll that finds it (SQLite makes it with the WAL's first reader). */
let shm: number | undefined;
const header = new Uint8Array(WAL_INDEX_HEADER_BYTES);
const littleEndian = endianness() === 'LE';
const policy = new CheckpointPolicy();
let polls = 0;

function walState(): WalState | undefined {
  try {
    shm ??= openSync(`${file}-shm`, 'r');
    return readSync(shm, header, 0, header.byteLength, 0) === header.byteLength ? parseWalIndexHeader(header, littleEndian) : undefined;
  } catch {
    return undefined;
  }
}

/** The last failure reported: a lasting one (a disk error) is told once, not at every poll. */
let failing: string | undefined;
const timer = setInterval(() => {
  polls++;
  const state = walState();
  if (state ? !policy.due(state, performance.now()) : polls % BLIND_EVERY !== 0) return;
  try {
    checkpoint.run();
    failing = undefined;
  } catch (err) {
    // The next poll tries again; the writer's own threshold bounds the WAL meanwhile.
    const message = (err as Error).message;
    if (message !== failing) parentPort!.postMessage({ type: 'error', message });
    failing = message;
  }
}, POLL_MS);

parentPort!.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  clearInterval(timer);
  if (shm !== undefined) closeSync(shm);
  db.close();
  parentPort!.close();
});
