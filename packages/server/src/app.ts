import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { loadSecrets } from './config/secrets.ts';
import { newId } from './domain/ids.ts';
import { JobScheduler } from './jobs/scheduler.ts';
import { MemoryLoginGuard } from './limits/memory-login-guard.ts';
import { RedisLoginGuard } from './limits/redis-login-guard.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import type { LoginGuard } from './ports/login-guard.ts';
import { MemoryBus } from './bus/memory-bus.ts';
import { MemoryRateLimiter } from './limits/memory-rate-limiter.ts';
import { RedisRateLimiter } from './limits/redis-rate-limiter.ts';
import type { RateLimiter } from './ports/rate-limiter.ts';
import { createServices, type Services } from './services/index.ts';
import { openStore } from './store/sql/open.ts';
import type { Store } from './store/store.ts';
import { buildHttpServer } from './transports/http/server.ts';
import type { HttpApp } from './transports/http/types.ts';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
}

export interface App {
  config: Config;
  http: HttpApp;
  store: Store;
  logger: Logger;
  services: Services;
  jobs: JobScheduler;
  /** Listens on config HOST:PORT and starts the periodic jobs; resolves to the bound address. */
  start(): Promise<string>;
  /** Graceful stop: no new connections, in-flight requests finish, then jobs, Redis and the database close. */
  stop(): Promise<void>;
}

/**
 * The composition root: config → store → ports → services → transports. The only place that
 * chooses between embedded and scaled implementations.
 */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const secrets = loadSecrets(config.DATA_DIR, { jwtSecret: config.JWT_SECRET });
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    onMigration: (name, i, total) => logger.info({ migration: name }, `migrating ${i}/${total}`),
    onConnectionError: (err) => logger.warn({ err }, 'database connection lost; the pool will reconnect'),
  });
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 }) : undefined;
  try {
    await redis?.connect();
  } catch (err) {
    await store.close();
    throw err;
  }

  const guardOptions = { maxFailures: config.LOGIN_MAX_FAILURES, blockSeconds: config.BLOCK_TIME };
  const loginGuard: LoginGuard = redis ? new RedisLoginGuard(redis, guardOptions) : new MemoryLoginGuard(guardOptions, clock);
  const messageRateOptions = { limit: config.MESSAGE_RATE_LIMIT, windowMs: config.MESSAGE_RATE_WINDOW * 1000 };
  const messageRate: RateLimiter = redis ? new RedisRateLimiter(redis, messageRateOptions) : new MemoryRateLimiter(messageRateOptions, clock);
  const bus = new MemoryBus();
  const services = createServices({
    store,
    bus,
    clock,
    loginGuard,
    messageRate,
    jwtSecret: secrets.jwtSecret,
    tokenTtlSeconds: config.TOKEN_TTL,
    bcryptCost: config.BCRYPT_COST,
    deactivationDays: config.DEACTIVATION_DAYS,
    categories: config.ROOM_CATEGORIES,
    editWindowSeconds: config.EDIT_WINDOW,
  });
  const { accounts } = services;

  const jobs = new JobScheduler({
    store,
    clock,
    logger,
    nodeId: newId(),
    intervalMs: config.JOB_INTERVAL * 1000,
    jobs: [
      { name: 'purge-deactivated-accounts', run: () => accounts.purgeDeactivated() },
      { name: 'expire-ws-tickets', run: () => store.tickets.deleteExpired(clock.now().toISOString()) },
    ],
  });

  const metrics = createMetrics();
  const http = await buildHttpServer({
    logger,
    metrics,
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    services,
    ready: async () => {
      await store.ping();
      if (redis) await redis.ping();
    },
  });

  let stopped: Promise<void> | undefined;
  return {
    config,
    http,
    store,
    logger,
    services,
    jobs,
    async start() {
      const address = await http.listen({ port: config.PORT, host: config.HOST });
      jobs.start();
      return address;
    },
    stop() {
      stopped ??= (async () => {
        await http.close();
        await jobs.stop();
        await loginGuard.close();
        await messageRate.close();
        await bus.close();
        redis?.disconnect();
        await store.close();
      })();
      return stopped;
    },
  };
}
