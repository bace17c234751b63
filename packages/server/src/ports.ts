import { Redis } from 'ioredis';
import { MemoryBus } from './bus/memory-bus.ts';
import { RedisBus } from './bus/redis-bus.ts';
import type { Config } from './config/config.ts';
import { createBlobStore } from './files/blobs/create.ts';
import { createScanner } from './files/scanner/index.ts';
import { MemoryLoginGuard } from './limits/memory-login-guard.ts';
import { MemoryRateLimiter } from './limits/memory-rate-limiter.ts';
import { RedisLoginGuard } from './limits/redis-login-guard.ts';
import { RedisRateLimiter } from './limits/redis-rate-limiter.ts';
import type { BlobStore } from './ports/blob-store.ts';
import type { EventBus } from './ports/bus.ts';
import type { Clock } from './ports/clock.ts';
import type { LoginGuard } from './ports/login-guard.ts';
import type { PresenceStore } from './ports/presence-store.ts';
import type { RateLimiter } from './ports/rate-limiter.ts';
import type { Scanner } from './ports/scanner.ts';
import { MemoryPresenceStore } from './realtime/memory-presence.ts';
import { RedisPresenceStore } from './realtime/redis-presence.ts';

export interface Ports {
  bus: EventBus;
  loginGuard: LoginGuard;
  messageRate: RateLimiter;
  /** Login attempts per IP (before any password is checked). */
  loginIpRate: RateLimiter;
  /** Sign-ups per IP. */
  signupIpRate: RateLimiter;
  presence: PresenceStore;
  /** Uploads per user (attachments). */
  uploadRate: RateLimiter;
  /** Message searches per user. */
  searchRate: RateLimiter;
  /** Attachment bytes: DATA_DIR or S3. */
  blobs: BlobStore;
  /** Reports filed per user (issue 18). */
  reportRate: RateLimiter;
  /** Malware scanning of uploads: built-in, plus clamd when CLAMD_URL is set. */
  scanner: Scanner;
  /** Redis answers (readiness), when configured. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The ports that differ between modes, chosen once: in-process implementations in embedded mode,
 * Redis-backed ones (shared by every node) when REDIS_URL is set.
 */
export async function createPorts(config: Config, clock: Clock): Promise<Ports> {
  const guard = { maxFailures: config.LOGIN_MAX_FAILURES, blockSeconds: config.BLOCK_TIME };
  const rate = { limit: config.MESSAGE_RATE_LIMIT, windowMs: config.MESSAGE_RATE_WINDOW * 1000 };
  const loginIp = { limit: config.LOGIN_IP_LIMIT, windowMs: config.LOGIN_IP_WINDOW * 1000 };
  const signupIp = { limit: config.SIGNUP_IP_LIMIT, windowMs: config.SIGNUP_IP_WINDOW * 1000 };
  const upload = { limit: config.UPLOAD_RATE_LIMIT, windowMs: config.UPLOAD_RATE_WINDOW * 1000 };
  const searches = { limit: config.SEARCH_RATE_LIMIT, windowMs: config.SEARCH_RATE_WINDOW * 1000 };
  const report = { limit: config.REPORT_RATE_LIMIT, windowMs: config.REPORT_RATE_WINDOW * 1000 };
  const blobs = await createBlobStore(config);
  const scanner = createScanner(config);
  if (!config.REDIS_URL) {
    const parts = {
      bus: new MemoryBus(),
      loginGuard: new MemoryLoginGuard(guard, clock),
      messageRate: new MemoryRateLimiter(rate, clock),
      loginIpRate: new MemoryRateLimiter(loginIp, clock),
      signupIpRate: new MemoryRateLimiter(signupIp, clock),
      presence: new MemoryPresenceStore(clock),
      uploadRate: new MemoryRateLimiter(upload, clock),
      searchRate: new MemoryRateLimiter(searches, clock),
      reportRate: new MemoryRateLimiter(report, clock),
      blobs,
      scanner,
    };
    return { ...parts, ping: async () => {}, close: () => closeAll(parts) };
  }
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  const parts = {
    bus: await RedisBus.connect(redis, `${config.REDIS_PREFIX}events`),
    loginGuard: new RedisLoginGuard(redis, guard, `${config.REDIS_PREFIX}login:`),
    messageRate: new RedisRateLimiter(redis, rate, `${config.REDIS_PREFIX}rate:`),
    loginIpRate: new RedisRateLimiter(redis, loginIp, `${config.REDIS_PREFIX}login-ip:`),
    signupIpRate: new RedisRateLimiter(redis, signupIp, `${config.REDIS_PREFIX}signup-ip:`),
    presence: new RedisPresenceStore(redis, `${config.REDIS_PREFIX}presence:`),
    uploadRate: new RedisRateLimiter(redis, upload, `${config.REDIS_PREFIX}upload:`),
    searchRate: new RedisRateLimiter(redis, searches, `${config.REDIS_PREFIX}search:`),
    reportRate: new RedisRateLimiter(redis, report, `${config.REDIS_PREFIX}report:`),
    blobs,
    scanner,
  };
  return {
    ...parts,
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await closeAll(parts);
      redis.disconnect();
    },
  };
}

async function closeAll(parts: Omit<Ports, 'ping' | 'close'>): Promise<void> {
  await parts.bus.close();
  await parts.loginGuard.close();
  await parts.messageRate.close();
  await parts.loginIpRate.close();
  await parts.signupIpRate.close();
  await parts.presence.close();
  await parts.uploadRate.close();
  await parts.searchRate.close();
  await parts.reportRate.close();
  await parts.blobs.close();
  await parts.scanner.close();
}
