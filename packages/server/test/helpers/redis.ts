import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { serviceUrl } from './services.ts';

/**
 * A Redis connection for one contract suite, under a key prefix of its own so parallel runs on
 * one Redis never see each other's keys; tearDown deletes them. skip says why there is none.
 */
export function redisSandbox() {
  const url = serviceUrl('TEST_REDIS_URL');
  const prefix = `rooms-test:${randomBytes(6).toString('hex')}:`;
  let redis: Redis | undefined;
  return {
    prefix,
    skip: url ? (false as const) : 'TEST_REDIS_URL not set',
    async setUp(): Promise<Redis> {
      redis = new Redis(url!, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      return redis;
    },
    redis(): Redis {
      if (!redis) throw new Error('setUp() first');
      return redis;
    },
    async tearDown(): Promise<void> {
      if (!redis) return;
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
