import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * How often the checkpointer copies the WAL into the database file. Each checkpoint writes every
 * page changed since the last one (a room's row, the right edge of each index: the same few pages
 * whatever the number of messages) and syncs the file: every 50 ms, at 200-500 sends a second
 * committed one or two at a time, that was ~40 µs of CPU per send (bench:send, one in flight:
 * 405-446 against 365-400 µs). At 500 ms the WAL between two checkpoints is still a few MB at such
 * rates and at most the writer's own bound (WRITER_CHECKPOINT_PAGES) at any rate.
 */
const INTERVAL_MS = 500;

export interface Checkpointer {
  /** Stops the thread (after its current checkpoint) and closes its connection. */
  stop(): Promise<void>;
}

/**
 * Checkpoints a WAL database from a thread of its own. SQLite's automatic checkpoint runs inside
 * the commit that crosses its threshold (1,000 pages), on the connection that commits: with
 * synchronous = NORMAL that commit also waits for two fsyncs, and it is the event loop that
 * waits. Under load that was one commit in ~130 taking 5-13 ms, every sender and every delivery
 * of that moment waiting behind it. This thread checkpoints passively every INTERVAL_MS, so the
 * writer's commits only append; the writer keeps a far higher threshold of its own as a bound
 * should this thread fall behind.
 */
export function startCheckpointer(file: string, onError: (message: string) => void = () => {}): Checkpointer {
  const worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), { workerData: { file, intervalMs: INTERVAL_MS } });
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
