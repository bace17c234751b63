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
  /** Who waits, by client (an IP): turns go round the clients, first come first served within one. */
  private readonly waiting = new Map<string, (() => void)[]>();
  private waitingCount = 0;
  private averageMs = 0;

  constructor(opts: BoundedQueueOptions) {
    this.opts = opts;
  }

  /**
   * Runs task when its turn comes; refuses (the busy error) when the line is full. `client` (an IP)
   * shares the line fairly: turns go round the clients waiting, so one client's burst waits
   * behind itself, not in front of everyone, and it may hold only a quarter of the line.
   */
  async run<T>(task: () => Promise<T>, opts: { client?: string | undefined } = {}): Promise<T> {
    await this.acquire(opts.client ?? '');
    const started = performance.now();
    try {
      return await task();
    } finally {
      this.record(performance.now() - started);
      this.release();
    }
  }

  /**
   * Waits for a turn, as run() would, without taking a slot: the caller then looks like a task
   * that went through the line (same wait, same refusal when full) but spends no work.
   */
  async pass(client = ''): Promise<void> {
    await this.acquire(client);
    this.release();
  }

  /** How long a task has taken, on average (0 before the first). */
  get typicalMs(): number {
    return this.averageMs;
  }

  /** Tasks running and waiting now. */
  get depth(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waitingCount };
  }

  private acquire(client: string): Promise<void> {
    if (this.running < this.opts.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    const mine = this.waiting.get(client);
    // Work of no client in particular (the operator's commands) is not capped per client.
    const perClient = client === '' ? Infinity : Math.max(1, Math.floor(this.opts.maxWaiting / 4));
    if (this.waitingCount >= this.opts.maxWaiting || (mine?.length ?? 0) >= perClient)
      return Promise.reject(this.opts.busy(this.retryAfterSeconds()));
    // The slot is handed over by release(): `running` stays as it is.
    return new Promise<void>((resolve) => {
      if (mine) mine.push(resolve);
      else this.waiting.set(client, [resolve]);
      this.waitingCount++;
    });
  }

  /** Hands the slot to the next client in turn (its oldest waiter), or frees it. */
  private release(): void {
    const first = this.waiting.entries().next();
    if (first.done) {
      this.running--;
      return;
    }
    const [client, line] = first.value;
    const next = line.shift()!;
    this.waiting.delete(client);
    // A client with more waiting goes to the back of the round.
    if (line.length > 0) this.waiting.set(client, line);
    this.waitingCount--;
    next();
  }

  private record(ms: number): void {
    this.averageMs = this.averageMs === 0 ? ms : this.averageMs + SMOOTHING * (ms - this.averageMs);
  }

  /** Seconds until the line, as it is now, would have moved past a newcomer. */
  private retryAfterSeconds(): number {
    const queued = this.running + this.waitingCount;
    return Math.max(1, Math.ceil((queued * this.averageMs) / this.opts.concurrency / 1000));
  }
}
