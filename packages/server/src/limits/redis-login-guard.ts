import type { Redis } from 'ioredis';
import { FAILURE_MEMORY_MS, type LoginGuard, type LoginGuardOptions, type LoginPermit } from '../ports/login-guard.ts';

// Each script runs atomically in Redis, so nodes racing on one key see one consistent count.
const BEGIN = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return blocked end
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return -1 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0`;

const FAIL = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
end
return n`;

const RELEASE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return n`;

/** LoginGuard shared by every node through Redis (scaled mode). */
export class RedisLoginGuard implements LoginGuard {
  private readonly redis: Redis;
  private readonly opts: LoginGuardOptions;
  private readonly prefix: string;

  constructor(redis: Redis, opts: LoginGuardOptions, prefix = 'rooms:login:') {
    this.redis = redis;
    this.opts = opts;
    this.prefix = prefix;
  }

  async begin(key: string): Promise<LoginPermit> {
    const r = Number(await this.redis.eval(BEGIN, 2, this.countKey(key), this.blockKey(key), this.opts.maxFailures, FAILURE_MEMORY_MS));
    if (r === 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: r > 0 ? Math.ceil(r / 1000) : this.opts.blockSeconds };
  }

  async fail(key: string): Promise<boolean> {
    const n = Number(
      await this.redis.eval(FAIL, 2, this.countKey(key), this.blockKey(key), this.opts.maxFailures, this.opts.blockSeconds * 1000),
    );
    return n >= this.opts.maxFailures;
  }

  async succeed(key: string): Promise<void> {
    // The block too: a parallel sibling's failure may have started one while this attempt was in flight.
    await this.redis.del(this.countKey(key), this.blockKey(key));
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.countKey(key));
  }

  async close(): Promise<void> {}

  private countKey(key: string): string {
    return `${this.prefix}n:${key}`;
  }

  private blockKey(key: string): string {
    return `${this.prefix}b:${key}`;
  }
}
