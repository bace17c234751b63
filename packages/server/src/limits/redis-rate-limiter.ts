import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { RateLimit, RateLimiter } from '../ports/rate-limiter.ts';

// A sorted set of event times per key, trimmed to the window, checked and added atomically, using
// Redis' own clock so nodes with skewed clocks still share one window.
const HIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0`;

/** The per-user limit shared by all nodes (scaled mode). */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly rate: RateLimit;
  private readonly prefix: string;

  constructor(redis: Redis, rate: RateLimit, prefix = 'rooms:rate:') {
    this.redis = redis;
    this.rate = rate;
    this.prefix = prefix;
  }

  async hit(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
    const member = randomBytes(8).toString('hex');
    const waitMs = Number(await this.redis.eval(HIT, 1, this.prefix + key, this.rate.limit, this.rate.windowMs, member));
    return waitMs === 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
  }

  async close(): Promise<void> {}
}
