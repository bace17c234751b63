/** The signed-in user's latency probe (GET /auth/me at a fixed rate, in a worker thread), phase by phase. */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { ProbeConfig, ProbeSummary } from './probe-worker.ts';

export type { ProbeSummary };

export class Probe {
  private readonly worker: Worker;
  /** The worker's first message: it has loaded and listens (a phase must not start before). */
  private readonly ready: Promise<unknown>;

  constructor(cfg: ProbeConfig) {
    this.worker = new Worker(new URL('./probe-worker.ts', import.meta.url), { workerData: cfg });
    this.ready = once(this.worker, 'message');
  }

  async start(): Promise<void> {
    await this.ready;
    this.worker.postMessage({ cmd: 'start' });
  }

  /** Ends the phase; answers still missing after graceMs count with the time they waited. */
  async stop(graceMs = 3000): Promise<ProbeSummary> {
    const answer = once(this.worker, 'message');
    this.worker.postMessage({ cmd: 'stop', graceMs });
    return (await answer)[0] as ProbeSummary;
  }

  /** A quiet phase of `ms`. */
  async measure(ms: number): Promise<ProbeSummary> {
    await this.start();
    await new Promise((r) => setTimeout(r, ms));
    return this.stop();
  }

  /** Measures while `work` runs. */
  async during<T>(work: () => Promise<T>): Promise<{ result: T; latency: ProbeSummary }> {
    await this.start();
    try {
      const result = await work();
      return { result, latency: await this.stop() };
    } catch (err) {
      await this.stop(0);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.ready;
    this.worker.postMessage({ cmd: 'close' });
    await once(this.worker, 'exit');
  }
}
