import { Worker } from 'node:worker_threads';

export type IndexRequest = { type: 'index'; id: number; limit: number } | { type: 'stop' };
export type IndexReply = { type: 'indexed'; id: number; indexed: number; ms: number } | { type: 'failed'; id: number; message: string };

/** What a batch did: queue rows taken, and how long its transaction ran. */
export interface BatchResult {
  indexed: number;
  ms: number;
}

export interface IndexThread {
  /** Indexes the oldest `limit` queued messages in one transaction; the caller holds the writer meanwhile. */
  index(limit: number): Promise<BatchResult>;
  /** Ends the thread after its current batch. */
  stop(): Promise<void>;
}

/**
 * A thread that writes the search queue's batches (SQLite, a database file): a batch held the
 * event loop for its whole transaction, 2 ms by design and 15-28 ms when FTS5 merged a common
 * word's segments, and every delivery of that moment waited (issue 19's p99), and its CPU
 * (~95 µs a message) was the event loop's (issue 17's S1 ratio). The main thread still holds
 * the writer while a batch runs, so SQLite's one write lock is never contended, but it goes on
 * reading, delivering and answering meanwhile. Started at the first batch (a store that never
 * indexes, like most tests' and the CLI's, starts none); it keeps the process alive only while a
 * batch is in flight. A thread that died is replaced at the next batch.
 */
export function indexThread(file: string, cacheKib: number): IndexThread {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (err: Error) => void }>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const start = (): Worker => {
    const w = new Worker(new URL('./search-index-worker.ts', import.meta.url), { workerData: { file, cacheKib } });
    w.unref();
    w.on('message', (m: IndexReply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.type === 'indexed') p.resolve({ indexed: m.indexed, ms: m.ms });
      else p.reject(new Error(`search index thread: ${m.message}`));
    });
    w.on('error', (err) => {
      if (worker === w) worker = undefined;
      failAll(err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`search index thread exited (${code})`));
    });
    return w;
  };

  let stopped: Promise<void> | undefined;
  return {
    index(limit) {
      if (stopped) return Promise.reject(new Error('search index thread stopped'));
      const w = (worker ??= start());
      const id = nextId++;
      w.ref();
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ type: 'index', id, limit } satisfies IndexRequest);
      });
    },
    stop() {
      stopped ??= (async () => {
        const w = worker;
        if (!w) return;
        w.ref(); // until it has closed its connection
        const exited = new Promise((resolve) => w.once('exit', resolve));
        w.postMessage({ type: 'stop' } satisfies IndexRequest);
        await exited;
      })();
      return stopped;
    },
  };
}
