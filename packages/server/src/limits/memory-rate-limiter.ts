import type { Clock } from '../ports/clock.ts';
import type { RateLimit, RateLimiter } from '../ports/rate-limiter.ts';

/** In-process sliding window: the times of the last `limit` events per key. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly rate: RateLimit;
  private readonly clock: Clock;
  private hits = 0;

  constructor(rate: RateLimit, clock: Clock) {
    this.rate = rate;
    this.clock = clock;
  }

  async hit(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
    const now = this.clock.now().getTime();
    if (++this.hits % 10_000 === 0) this.sweep(now);
    let times = this.windows.get(key);
    if (!times) this.windows.set(key, (times = []));
    // Times are appended in order, so the expired ones are a prefix: dropping it costs what
    // expired, not the whole window (a raised limit can hold many thousands of times per key).
    let expired = 0;
    while (expired < times.length && times[expired]! <= now - this.rate.windowMs) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length >= this.rate.limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + this.rate.windowMs - now) / 1000)) };
    }
    times.push(now);
    return { allowed: true };
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  private sweep(now: number): void {
    for (const [k, times] of this.windows) if ((times.at(-1) ?? 0) <= now - this.rate.windowMs) this.windows.delete(k);
  }
}
