import { Worker } from 'node:worker_threads';
import type { BcryptAnswer, BcryptJob } from './bcrypt-worker.ts';

/**
 * The nice value of bcrypt threads (0 normal, 19 lowest). bcrypt's own async calls run on libuv's
 * thread pool at the event loop's priority: on a small machine a login flood's hashing took CPU
 * from every other request. At nice 10 the kernel gives the event loop about ten times the share
 * of a busy bcrypt thread, and bcrypt still gets any CPU nobody else wants.
 */
const NICE = 10;

type Pending = { resolve: (v: string | boolean[]) => void; reject: (e: Error) => void };

/**
 * A fixed set of worker threads computing bcrypt, one job each at a time. The caller bounds how
 * many jobs run at once (the password line), so a job always finds an idle thread. Threads are
 * started on first use and do not keep the process alive.
 */
export class BcryptPool {
  private readonly size: number;
  private readonly idle: Worker[] = [];
  /** The job each busy thread is computing. */
  private readonly busy = new Map<Worker, Pending>();
  private started = 0;
  private closed = false;

  constructor(size: number) {
    this.size = size;
  }

  hash(input: string, cost: number): Promise<string> {
    return this.run({ op: 'hash', input, cost }) as Promise<string>;
  }

  /** Whether input matches each hash, in order. */
  compare(input: string, hashes: string[]): Promise<boolean[]> {
    return this.run({ op: 'compare', input, hashes }) as Promise<boolean[]>;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }

  private run(job: BcryptJob): Promise<string | boolean[]> {
    if (this.closed) return Promise.reject(new Error('the bcrypt pool is closed'));
    const worker = this.idle.pop() ?? this.start();
    return new Promise((resolve, reject) => {
      this.busy.set(worker, { resolve, reject });
      worker.postMessage(job);
    });
  }

  private start(): Worker {
    if (this.started >= this.size) throw new Error(`more than ${this.size} bcrypt jobs at once: the caller must bound them`);
    this.started++;
    const worker = new Worker(new URL('./bcrypt-worker.ts', import.meta.url), { workerData: { nice: NICE } });
    worker.unref();
    worker.on('message', (a: BcryptAnswer) => {
      const p = this.busy.get(worker);
      this.busy.delete(worker);
      if (this.closed) void worker.terminate();
      else this.idle.push(worker);
      if ('error' in a) p?.reject(new Error(a.error));
      else p?.resolve(a.result);
    });
    worker.on('error', (err) => {
      // A thread that died fails its job; the next job starts a new thread in its place.
      this.started--;
      this.busy.get(worker)?.reject(err);
      this.busy.delete(worker);
    });
    return worker;
  }
}
