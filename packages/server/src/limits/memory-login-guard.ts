import type { Clock } from '../ports/clock.ts';
import { FAILURE_MEMORY_MS, type LoginGuard, type LoginGuardOptions, type LoginPermit } from '../ports/login-guard.ts';

interface Entry {
  attempts: number;
  blockedUntil: number;
  forgetAt: number;
}

/** In-process LoginGuard for embedded mode. Single-threaded JS makes each method atomic. */
export class MemoryLoginGuard implements LoginGuard {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: LoginGuardOptions;
  private readonly clock: Clock;
  private calls = 0;

  constructor(opts: LoginGuardOptions, clock: Clock) {
    this.opts = opts;
    this.clock = clock;
  }

  async begin(key: string): Promise<LoginPermit> {
    const now = this.clock.now().getTime();
    if (++this.calls % 1000 === 0) this.sweep(now);
    const e = this.live(key, now) ?? { attempts: 0, blockedUntil: 0, forgetAt: 0 };
    if (e.blockedUntil > now) return { allowed: false, retryAfterSeconds: Math.ceil((e.blockedUntil - now) / 1000) };
    if (e.attempts >= this.opts.maxFailures) return { allowed: false, retryAfterSeconds: this.opts.blockSeconds };
    e.attempts++;
    e.forgetAt = now + FAILURE_MEMORY_MS;
    this.entries.set(key, e);
    return { allowed: true };
  }

  async fail(key: string): Promise<boolean> {
    const now = this.clock.now().getTime();
    const e = this.live(key, now);
    if (!e || e.attempts < this.opts.maxFailures) return false;
    e.attempts = 0;
    e.blockedUntil = now + this.opts.blockSeconds * 1000;
    e.forgetAt = Math.max(e.forgetAt, e.blockedUntil);
    return true;
  }

  async succeed(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async release(key: string): Promise<void> {
    const e = this.live(key, this.clock.now().getTime());
    if (e && e.attempts > 0) e.attempts--;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.forgetAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(now: number): void {
    for (const [k, e] of this.entries) if (e.forgetAt <= now) this.entries.delete(k);
  }
}
