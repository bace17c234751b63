/** WS_FRAME_RATE and WS_FRAME_BURST: tokens per second, and the most a connection may hold. */
export interface FrameBudget {
  rate: number;
  burst: number;
}

/**
 * A token bucket's state, kept as two fields of the connection that owns it: an object of its own
 * per socket would cost every idle connection its header too.
 */
export interface Bucket {
  tokens: number;
  refilledAt: number;
}

/**
 * Refills the bucket for the time since it was last refilled, then takes weight tokens: false
 * (and nothing taken) when there are not that many. The caller closes the connection then.
 */
export function spend(bucket: Bucket, weight: number, budget: FrameBudget, now: number): boolean {
  bucket.tokens = Math.min(budget.burst, bucket.tokens + ((now - bucket.refilledAt) * budget.rate) / 1000);
  bucket.refilledAt = now;
  if (bucket.tokens < weight) return false;
  bucket.tokens -= weight;
  return true;
}
