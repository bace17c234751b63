/** The outcome of asking to try a login. */
export type LoginPermit = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Brute-force protection per key (identifier + IP). An attempt is reserved before the password is
 * checked and counts as a failure until settled, so parallel guesses cannot slip past the limit.
 */
export interface LoginGuard {
  /** Reserves an attempt, or refuses while the key is blocked or its attempts are used up. */
  begin(key: string): Promise<LoginPermit>;
  /** The reserved attempt failed; the last allowed failure starts a block of blockSeconds (and says so: true). */
  fail(key: string): Promise<boolean>;
  /** The attempt succeeded: the key starts afresh (count reset, and any block a parallel sibling's failure started is lifted). */
  succeed(key: string): Promise<void>;
  /**
   * The reserved attempt neither failed nor succeeded: it is given back, the count unchanged by it
   * (the server was too busy to check, or a login by email found the password matched a sibling account).
   */
  release(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface LoginGuardOptions {
  maxFailures: number;
  blockSeconds: number;
}

/** Failure counts are forgotten after a day without attempts, so the state cannot grow forever. */
export const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;
