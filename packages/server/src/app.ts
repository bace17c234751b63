import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { loadSecrets } from './config/secrets.ts';
import { newId } from './domain/ids.ts';
import { JobScheduler } from './jobs/scheduler.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { createPorts } from './ports.ts';
import { Hub } from './realtime/hub.ts';
import { createServices, type Services } from './services/index.ts';
import { attachWebSocket } from './transports/ws/ws-server.ts';
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
  hub: Hub;
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
  let ports;
  try {
    ports = await createPorts(config, clock);
  } catch (err) {
    await store.close();
    throw err;
  }
  const { bus } = ports;
  const services = createServices({
    store,
    bus,
    clock,
    loginGuard: ports.loginGuard,
    messageRate: ports.messageRate,
    presence: ports.presence,
    jwtSecret: secrets.jwtSecret,
    tokenTtlSeconds: config.TOKEN_TTL,
    bcryptCost: config.BCRYPT_COST,
    deactivationDays: config.DEACTIVATION_DAYS,
    categories: config.ROOM_CATEGORIES,
    editWindowSeconds: config.EDIT_WINDOW,
    notificationRetentionDays: config.NOTIFICATION_DAYS,
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
      { name: 'expire-notifications', run: () => services.notifications.expire() },
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
      await ports.ping();
    },
  });

  const hub = new Hub(bus);
  const ws = attachWebSocket({
    server: http.server,
    hub,
    services,
    store,
    clock,
    logger,
    allowedOrigins: config.WS_ALLOWED_ORIGINS,
    maxBufferedBytes: config.WS_MAX_BUFFER,
    idleTimeoutMs: config.TIME_OUT * 1000,
  });
  // Presence heartbeat: keeps this node's users alive in the shared store and detects idleness.
  const presenceTimer = setInterval(() => {
    const conns = [...ws.connections].map((c) => ({ userId: c.userId, connId: c.id, lastActive: c.lastActivity }));
    services.presence.sweep(conns).catch((err: unknown) => logger.warn({ err }, 'presence sweep failed'));
  }, 30_000);
  presenceTimer.unref();

  let stopped: Promise<void> | undefined;
  return {
    config,
    http,
    store,
    logger,
    services,
    jobs,
    hub,
    async start() {
      const address = await http.listen({ port: config.PORT, host: config.HOST });
      jobs.start();
      return address;
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(presenceTimer);
        ws.close();
        await http.close();
        await jobs.stop();
        services.typing.close();
        await services.presence.close();
        hub.close();
        await ports.close();
        await store.close();
      })();
      return stopped;
    },
  };
}
