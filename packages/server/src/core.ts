import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { serverLimits, type Config } from './config/config.ts';
import { readKeptSecret } from './config/secrets.ts';
import { KeyRing } from './services/accounts/signing-keys.ts';
import type { Clock } from './ports/clock.ts';
import { createPorts, type Ports } from './ports.ts';
import { sanitizeFilename } from './files/filename.ts';
import { createImagePreparer } from './files/images.ts';
import { inspectType, unsupportedTypeMessage } from './files/typing.ts';
import { deriveSetupToken } from './services/accounts/signup-gate.ts';
import { createServices, type Services } from './services/index.ts';
import { StatementTimings } from './observability/statement-timings.ts';
import { openStore } from './store/sql/open.ts';
import type { Store } from './store/store.ts';

export interface CoreOptions {
  clock: Clock;
  /** Refuse a database that was never set up rather than create one (the admin commands). */
  mustBeSetUp?: boolean;
  /** Each migration as it starts (the server logs it, `rooms migrate` prints progress). */
  onMigration?: (name: string, index: number, total: number, detail?: string) => void;
  logger?: Logger;
  /** false: no search index writes (the benchmark's Rooms without the index only: see OpenStoreOptions.searchIndex). */
  searchIndex?: boolean;
}

/** The store, the ports and the services: everything but the transports and the jobs. */
export interface Core {
  store: Store;
  ports: Ports;
  services: Services;
  /** Closes the services' timers, the ports (Redis) and the database. */
  close(): Promise<void>;
}

/**
 * Opens the configured database (migrated), the ports of the configured mode and the services on
 * top of them. The server builds on it; so do the admin commands, so an account created or
 * deactivated from the command line goes through the same rules (and, in scaled mode, the same bus).
 */
export async function openCore(config: Config, opts: CoreOptions): Promise<Core> {
  const logger = opts.logger;
  const timings = config.SQL_TIMING ? new StatementTimings() : undefined;
  const store = await openStore({
    ...(timings ? { onQuery: (sql: string, ms: number) => timings.record(sql, ms) } : {}),
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    ...(opts.onMigration ? { onMigration: opts.onMigration } : {}),
    ...(opts.mustBeSetUp ? { mustBeSetUp: true } : {}),
    ...(opts.searchIndex === false ? { searchIndex: false } : {}),
    ...(logger ? { onConnectionError: (err: Error) => logger.warn({ err }, 'database connection error (retried)') } : {}),
  });
  let keys: KeyRing;
  let ports: Ports;
  try {
    // JWT_SECRET when configured; otherwise keys kept in the database, shared by every node.
    keys = config.JWT_SECRET ? KeyRing.fixed(config.JWT_SECRET) : await KeyRing.open(store, opts.clock, readKeptSecret(config.DATA_DIR));
    ports = await createPorts(config, opts.clock);
  } catch (err) {
    await store.close();
    throw err;
  }
  const services = createServices({
    store,
    bus: ports.bus,
    clock: opts.clock,
    loginGuard: ports.loginGuard,
    messageRate: ports.messageRate,
    loginIpRate: ports.loginIpRate,
    signupIpRate: ports.signupIpRate,
    presence: ports.presence,
    jwtSecret: keys.base,
    keys,
    tokenTtlSeconds: config.TOKEN_TTL,
    bcryptCost: config.BCRYPT_COST,
    passwordHashing: {
      // Half the cores by default: the other half keeps the event loop (every other request) running.
      concurrency: config.PASSWORD_HASH_CONCURRENCY ?? Math.max(1, Math.floor(availableParallelism() / 2)),
      maxWaiting: config.PASSWORD_HASH_QUEUE,
    },
    signupMode: config.SIGNUP,
    setupToken: config.SETUP_TOKEN ?? deriveSetupToken(keys.base),
    emailLoginMaxAccounts: config.LOGIN_EMAIL_MAX_ACCOUNTS,
    deactivationDays: config.DEACTIVATION_DAYS,
    categories: config.ROOM_CATEGORIES,
    editWindowSeconds: config.EDIT_WINDOW,
    limits: serverLimits(config),
    notificationRetentionDays: config.NOTIFICATION_DAYS,
    files: {
      blobs: ports.blobs,
      scanner: ports.scanner,
      media: {
        inspectType,
        unsupportedTypeMessage,
        prepareImage: createImagePreparer(config).prepareImage,
        sanitizeFilename: (name) => sanitizeFilename(name),
      },
      uploadRate: ports.uploadRate,
      tmpDir: join(config.DATA_DIR, 'tmp', 'uploads'),
      maxBytes: config.ATTACHMENT_MAX_BYTES,
      quotaBytes: config.ATTACHMENT_QUOTA_BYTES,
      unpostedTtlSeconds: config.ATTACHMENT_UNPOSTED_TTL,
      urlTtlSeconds: config.ATTACHMENT_URL_TTL,
    },
    coreFeatures: { guestIdleDays: config.GUEST_IDLE_DAYS, reportRate: ports.reportRate },
    caps: { maxOwnedRooms: config.MAX_OWNED_ROOMS, maxJoinedRooms: config.MAX_JOINED_ROOMS, maxRoomInvites: config.MAX_ROOM_INVITES },
    search: { rate: ports.searchRate, budgetMs: config.SEARCH_TIME_BUDGET_MS },
    ...(logger ? { onBackgroundError: (err: unknown, what: string) => logger.error({ err }, `${what} failed`) } : {}),
  });
  return {
    store,
    ports,
    services,
    async close() {
      services.typing.close();
      keys.close();
      await services.accounts.close();
      await services.presence.close();
      await ports.close();
      await store.close();
      if (timings) logger?.info({ statements: timings.top() }, 'statement timing');
    },
  };
}
