import { createApp, type App, type AppOptions } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { alwaysShown } from './observability/logger.ts';

export type ConfigOverrides = Partial<Record<keyof Config, unknown>>;

/**
 * Runs the server until SIGTERM/SIGINT (`npm start`, `rooms serve`): loads the configuration
 * (overrides beat the environment), starts, and stops gracefully. A bad setting exits 2. `options`:
 * composition options for an entry point other than the server's own (bench/rooms-noindex-server.ts).
 */
export async function serve(overrides: ConfigOverrides = {}, options: Pick<AppOptions, 'searchIndex'> = {}): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, overrides);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await createApp(config, options);
  const address = await app.start();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.logger.error('shutdown grace period over, exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE * 1000);
    force.unref();
    app.stop().then(
      () => {
        app.logger.info('shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  watchLauncher(() => shutdown('launcher gone'));
  // Announced only once the handlers are in place: a supervisor that signals as soon as it reads
  // this line (the log is written synchronously) must get a graceful stop, not the default kill.
  await announceSetup(app, config);
  alwaysShown(app.logger).info(
    { address, database: app.store.dialect, redis: Boolean(config.REDIS_URL) },
    `Rooms is listening on ${address}`,
  );
}

/**
 * A fresh server tells its operator how to make the first (admin) account: the setup token, which
 * is useless once that account exists (an operator who set SETUP_TOKEN knows it: not repeated).
 * Logged before the listening line, so whoever waits for that line has seen it.
 */
async function announceSetup(app: App, config: Config): Promise<void> {
  const token = await app.services.accounts.pendingSetupToken();
  if (token === undefined) return;
  const given = config.SETUP_TOKEN !== undefined;
  alwaysShown(app.logger).warn(
    given ? {} : { setup_token: token },
    `No account yet: the first account becomes the server admin. Sign up with ${given ? 'the SETUP_TOKEN you configured' : `the setup token ${token}`} (setup_token in POST /auth/signup), or run: npx rooms admin create <username> <email> --admin`,
  );
}

/**
 * npm runs a script or a bin (`npx rooms serve`) through `sh -c`, and the shell dies of a signal
 * without passing it on: the server would stay behind, orphaned and still listening, after a
 * process manager stopped the process it started. `npm start` execs the server in place of the
 * shell; where npm builds the command itself, the server notices that its parent is gone (it is
 * re-parented) and stops as it would on SIGTERM. Only under npm: elsewhere the parent is the
 * operator's own business (nohup, a supervisor).
 */
function watchLauncher(onGone: () => void): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, 200);
  timer.unref();
}

/** The last word of a server that could not start. */
export function startFailed(err: unknown): never {
  process.stderr.write(`Rooms failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
