import { type DomainError } from '../domain/errors.ts';

export interface BoundedQueueOptions {
  /** Tasks that run at once. */
  concurrency: number;
  /** Tasks that may wait for a turn; one more is refused at once (load shedding). */
  maxWaiting: number;
  /** The error a refused task gets (its Retry-After is filled in). */
  busy: (retryAfterSeconds: number) => DomainError;
}

/** Weight of the newest duration in the running average (an exponential moving average). */
const SMOOTHING = 0.2;

/**
 * A FIFO line in front of costly work (password hashing): at most `concurrency` tasks run, at most
 * `maxWaiting` wait, and any more are refused at once with a Retry-After drawn from how long the
 * line takes to move. A flood then costs the server a bounded amount of work and a bounded wait
 * for everyone in line, instead of a queue that grows without end on libuv's shared thread pool.
 */
export class BoundedQueue {
  private readonly opts: BoundedQueueOptions;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private averageMs = 0;

  constructor(opts: BoundedQueueOptions) {
    this.opts = opts;
  }

  /**
   * Runs task when its turn comes; refuses (the busy error) when the line is full. A task that
   * does `units` pieces of work counts as that many in the typical duration.
   */
  async run<T>(task: () => Promise<T>, units = 1): Promise<T> {
    await this.acquire();
    const started = performance.now();
    try {
      return await task();
    } finally {
      if (units > 0) this.record((performance.now() - started) / units);
      this.release();
    }
  }

  /**
   * Waits for a turn, as run() would, without taking a slot: the caller then looks like a task
   * that went through the line (same wait, same refusal when full) but spends no work.
   */
  async pass(): Promise<void> {
    await this.acquire();
    this.release();
  }

  /** How long a unit of work has taken, on average (0 before the first). */
  get typicalMs(): number {
    return this.averageMs;
  }

  /** Tasks running and waiting now. */
  get depth(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private acquire(): Promise<void> {
    if (this.running < this.opts.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.opts.maxWaiting) return Promise.reject(this.opts.busy(this.retryAfterSeconds()));
    // The slot is handed over by release(): `running` stays as it is.
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private record(ms: number): void {
    this.averageMs = this.averageMs === 0 ? ms : this.averageMs + SMOOTHING * (ms - this.averageMs);
  }

  /** Seconds until the line, as it is now, would have moved past a newcomer. */
  private retryAfterSeconds(): number {
    const queued = this.running + this.waiting.length;
    return Math.max(1, Math.ceil((queued * this.averageMs) / this.opts.concurrency / 1000));
  }
}
