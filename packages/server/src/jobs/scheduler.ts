import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.ts';
import type { Store } from '../store/store.ts';

export interface Job {
  name: string;
  run(): Promise<number>;
}

/**
 * Runs periodic jobs on exactly one node: each tick the node takes (or renews) a lock row in the
 * database; the holder runs the jobs, the others skip. A dead leader's lock expires after two
 * intervals and another node takes over.
 */
export class JobScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly deps: { store: Store; clock: Clock; logger: Logger; nodeId: string; intervalMs: number; jobs: Job[] };

  constructor(deps: JobScheduler['deps']) {
    this.deps = deps;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  /** One round: returns false when another node holds the lock. */
  async tick(): Promise<boolean> {
    if (this.running) return false;
    const { store, clock, nodeId, intervalMs, logger } = this.deps;
    let leader = false;
    this.running = (async () => {
      leader = await store.jobLocks.tryAcquire('periodic-jobs', nodeId, clock.now().toISOString(), intervalMs * 2);
      if (!leader) return;
      for (const job of this.deps.jobs) {
        try {
          const n = await job.run();
          if (n > 0) logger.info({ job: job.name, count: n }, 'job done');
        } catch (err) {
          logger.error({ err, job: job.name }, 'job failed');
        }
      }
    })()
      .catch((err: unknown) => logger.error({ err }, 'job scheduler failed'))
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
    return leader;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.deps.store.jobLocks.release('periodic-jobs', this.deps.nodeId).catch(() => {});
  }
}
