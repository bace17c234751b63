import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { serverLimits, type Config } from './config/config.ts';
import { warnIfDataDirExposed } from './config/data-dir.ts';
import { openCore } from './core.ts';
import { newId } from './domain/ids.ts';
import { JobScheduler } from './jobs/scheduler.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { Hub } from './realtime/hub.ts';
import { LiveSessions } from './services/realtime/live-session.ts';
import type { Services } from './services/index.ts';
import { attachWebSocket } from './transports/ws/ws-server.ts';
import { attachNamespaceGateway } from './transports/namespace/namespace-server.ts';
import { TcpGateway } from './transports/tcp/tcp-gateway.ts';
import { attachBubbleGateway } from './transports/bubble/bubble-server.ts';
import { UpgradeRouter } from './transports/upgrades.ts';
import type { Store } from './store/store.ts';
import { buildHttpServer } from './transports/http/server.ts';
import type { HttpApp } from './transports/http/types.ts';

/** Connections the kernel may queue before the server accepts them (see start). */
const LISTEN_BACKLOG = 4096;

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** false: no search index writes, for bench/rooms-noindex-server.ts only (not a setting: see OpenStoreOptions.searchIndex). */
  searchIndex?: boolean;
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
 * The composition root: config → core (store, ports, services; where embedded or scaled
 * implementations are chosen) → jobs and transports.
 */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL, config.LOG_FORMAT);
  // Created private (as the files in it); an existing one keeps its modes, with a warning below.
  mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  warnIfDataDirExposed(config.DATA_DIR, logger);
  const core = await openCore(config, {
    clock,
    logger,
    ...(opts.searchIndex === false ? { searchIndex: false } : {}),
    onMigration: (name, i, total, detail) =>
      logger.info({ migration: name }, `migrating ${i}/${total}${detail === undefined ? '' : `: ${detail}`}`),
  });
  const { store, ports, services } = core;
  const { bus } = ports;
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
      { name: 'delete-expired-attachments', run: () => services.attachments.deleteExpired() },
      { name: 'expire-ws-tickets', run: () => store.tickets.deleteExpired(clock.now().toISOString()) },
      { name: 'purge-idle-guests', run: () => services.guests.purgeIdle() },
      { name: 'expire-sessions', run: () => store.sessions.deleteExpired(clock.now().toISOString()) },
    ],
  });

  const metrics = createMetrics();
  // SPEC §12's limits as configured: served at GET /limits, and named by the namespace gateway's refusals.
  const limits = serverLimits(config);
  const http = await buildHttpServer({
    logger,
    metrics,
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    requestTimeout: config.REQUEST_TIMEOUT,
    maxConnectionsPerIp: config.MAX_CONNECTIONS_PER_IP,
    refusalDelayMs: config.REFUSAL_DELAY_MS,
    metricsToken: config.METRICS_TOKEN,
    webDir: config.WEB_UI ? config.WEB_DIR : undefined,
    limits,
    services,
    ready: async () => {
      await store.ping();
      await ports.ping();
    },
  });

  const hub = new Hub(bus);
  // Every real-time transport opens its connections' sessions here: /ws today, the gateways next.
  const live = new LiveSessions({ hub, live: services.live, presence: services.presence, logger });
  // One owner of the HTTP server's upgrades: /ws here, the gateways' paths beside it.
  const upgrades = new UpgradeRouter(http.server, logger);
  const ws = attachWebSocket({
    upgrades,
    live,
    services,
    clock,
    logger,
    allowedOrigins: config.WS_ALLOWED_ORIGINS,
    trustProxy: config.TRUST_PROXY,
    maxBufferedBytes: config.WS_MAX_BUFFER,
    idleTimeoutMs: config.TIME_OUT * 1000,
    frameBudget: { rate: config.WS_FRAME_RATE, burst: config.WS_FRAME_BURST },
  });
  // The namespace gateway (issue 18, GATEWAYS.md §2): the original Rooms app's clients, on its own path.
  const namespaceGateway = config.NAMESPACE_GATEWAY
    ? attachNamespaceGateway({
        upgrades,
        services,
        logger,
        path: config.NAMESPACE_GATEWAY_PATH,
        trustProxy: config.TRUST_PROXY,
        limits,
      })
    : undefined;
  // The simple chatroom's TCP protocol (issue 18 §3), when TCP_GATEWAY_PORT is set: its clients' live sessions open here too.
  const tcpGateway =
    config.TCP_GATEWAY_PORT === undefined
      ? undefined
      : new TcpGateway({
          services,
          live,
          logger,
          host: config.TCP_GATEWAY_HOST ?? config.HOST,
          port: config.TCP_GATEWAY_PORT,
          blockSeconds: config.BLOCK_TIME,
          maxMessageLength: config.MESSAGE_MAX_LENGTH,
          idleTimeoutMs: config.TIME_OUT * 1000,
          readTimeoutMs: config.TCP_GATEWAY_READ_TIMEOUT * 1000,
        });
  // The bubble gateway (issue 18, GATEWAYS.md §1): the bubble app's Socket.IO clients at /socket.io/.
  const bubble = config.BUBBLE_GATEWAY
    ? attachBubbleGateway({
        http,
        upgrades,
        live,
        services,
        logger,
        frameBudget: { rate: config.WS_FRAME_RATE, burst: config.WS_FRAME_BURST },
        now: () => clock.now(),
      })
    : undefined;
  // Presence heartbeat: keeps this node's users alive in the shared store and detects idleness, at
  // least four times per AWAY_AFTER (every 30 s at the default 5 minutes), so "away" comes on time.
  const sweepMs = Math.min(30_000, Math.max(500, (config.AWAY_AFTER * 1000) / 4));
  const presenceTimer = setInterval(() => {
    services.presence.sweep(live.activity()).catch((err: unknown) => logger.warn({ err }, 'presence sweep failed'));
  }, sweepMs);
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
      // When every client comes back at once (a restart), connections arrive faster than a busy
      // event loop accepts them: past Node's default backlog (511) the kernel drops them, and each
      // dropped client waits 1, 3, 7 s before its next try. The kernel caps this at somaxconn.
      const address = await http.listen({ port: config.PORT, host: config.HOST, backlog: LISTEN_BACKLOG });
      await tcpGateway?.listen();
      jobs.start();
      return address;
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(presenceTimer);
        // Its clients are told the server is shutting down while the services still run.
        await tcpGateway?.close();
        ws.close();
        namespaceGateway?.close();
        bubble?.close();
        upgrades.close();
        await http.close();
        await jobs.stop();
        hub.close();
        await core.close();
      })();
      return stopped;
    },
  };
}
