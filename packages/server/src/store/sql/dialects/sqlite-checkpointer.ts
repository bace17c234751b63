import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * When the checkpointer copies the WAL into the database file: once this many frames wait
 * (~8 MB of 4 KB pages), or once the writer has been quiet for CHECKPOINT_IDLE_MS with any frame
 * waiting. Not on a clock: after a checkpoint that caught up, the writer's next commit restarts
 * the WAL from its start and syncs the WAL's header first (SQLite's guard against out-of-order
 * writes after a restart), on the event loop. Checkpointing every 500 ms made that an fsync on
 * the main thread twice a second: 1-4 ms on a quiet disk, over 100 ms on a busy one, and it was
 * the p99 of delivery at light load (S2: 18-75 ms at 50 msg/s, where the relay had 2-8). At 50
 * sends a second (~300 frames/s) a restart now comes every ~7 s; at any rate the WAL stays near
 * this size, far below the writer's own bound (WRITER_CHECKPOINT_PAGES) and journal_size_limit.
 */
export const CHECKPOINT_FRAMES = 2000;
export const CHECKPOINT_IDLE_MS = 10_000;
/** How often the thread reads the WAL's state (a 136-byte read of the -shm file). */
export const POLL_MS = 100;

/** What the wal-index header says (https://sqlite.org/walformat.html, §2.1). */
export interface WalState {
  /** Frames in the WAL (valid ones: the last commit's end). */
  mxFrame: number;
  /** Frames already copied into the database file. */
  nBackfill: number;
}

/** The wal-index header's version (WALINDEX_MAX_VERSION): a header of another layout is not read. */
const WALINDEX_VERSION = 3007000;
export const WAL_INDEX_HEADER_BYTES = 136;

/**
 * Reads the wal-index header from the first bytes of the -shm file: two copies of WalIndexHdr (48
 * bytes each; iVersion at 0, mxFrame at 16) and then WalCkptInfo (nBackfill at 96), in the
 * machine's byte order. Undefined when it is not a header this code knows, or the two copies
 * differ (a writer was updating it): the caller then checkpoints as before, by time.
 */
export function parseWalIndexHeader(buf: Uint8Array, littleEndian: boolean): WalState | undefined {
  if (buf.byteLength < WAL_INDEX_HEADER_BYTES) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u32 = (offset: number) => view.getUint32(offset, littleEndian);
  if (u32(0) !== WALINDEX_VERSION) return undefined;
  if (u32(16) !== u32(48 + 16)) return undefined;
  return { mxFrame: u32(16), nBackfill: u32(96) };
}

/** Decides, at each poll, whether the WAL is to be checkpointed now. */
export class CheckpointPolicy {
  private readonly frames: number;
  private readonly idleMs: number;
  private lastFrame = -1;
  private lastChange = 0;

  constructor(frames = CHECKPOINT_FRAMES, idleMs = CHECKPOINT_IDLE_MS) {
    this.frames = frames;
    this.idleMs = idleMs;
  }

  due(state: WalState, now: number): boolean {
    if (state.mxFrame !== this.lastFrame) {
      this.lastFrame = state.mxFrame;
      this.lastChange = now;
    }
    // A restarted WAL counts from 0 again, and its nBackfill with it.
    const waiting = state.mxFrame - Math.min(state.nBackfill, state.mxFrame);
    if (waiting === 0) return false;
    return waiting >= this.frames || now - this.lastChange >= this.idleMs;
  }
}

export interface Checkpointer {
  /** Stops the thread (after its current checkpoint) and closes its connection. */
  stop(): Promise<void>;
}

/**
 * Checkpoints a WAL database from a thread of its own. SQLite's automatic checkpoint runs inside
 * the commit that crosses its threshold (1,000 pages), on the connection that commits: with
 * synchronous = NORMAL that commit also waits for two fsyncs, and it is the event loop that
 * waits. Under load that was one commit in ~130 taking 5-13 ms, every sender and every delivery
 * of that moment waiting behind it. This thread checkpoints passively (see CHECKPOINT_FRAMES for
 * when), so the writer's commits only append; the writer keeps a far higher threshold of its own
 * as a bound should this thread fall behind.
 */
export function startCheckpointer(file: string, onError: (message: string) => void = () => {}): Checkpointer {
  const worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), { workerData: { file } });
  // It must not keep a process alive that is otherwise done (a CLI command, a test).
  worker.unref();
  worker.on('message', (m: { type: string; message: string }) => m.type === 'error' && onError(m.message));
  worker.on('error', (err) => onError(err.message));
  const exited = once(worker, 'exit');
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        worker.ref(); // until it has closed its connection
        worker.postMessage({ type: 'stop' });
        await exited;
      })();
      return stopped;
    },
  };
}
