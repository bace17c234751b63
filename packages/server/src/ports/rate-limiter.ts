/** Sliding-window rate limiting per key (a user), shared by every path that sends (REST, WebSocket, gateways). */
export interface RateLimiter {
  /** Counts one event for key if it fits in the window; otherwise says when to retry. */
  hit(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  close(): Promise<void>;
}

export interface RateLimit {
  /** Events allowed per window. */
  limit: number;
  windowMs: number;
}
