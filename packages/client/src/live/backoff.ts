export interface BackoffOptions {
  /** The first ceiling, doubled at each failed attempt. */
  baseMs: number;
  /** The ceiling never grows past this. */
  maxMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base × 2^attempt)).
 * Spreads the reconnects of many clients after a server restart instead of synchronising them.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor((opts.random ?? Math.random)() * ceiling);
}
