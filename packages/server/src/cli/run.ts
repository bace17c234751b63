import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { openCore, type Core } from '../core.ts';
import { systemClock } from '../ports/clock.ts';
import { DatabaseNotSetUpError, describeDatabase, openStore } from '../store/sql/open.ts';
import type { Store } from '../store/store.ts';
import { Progress } from './progress.ts';

/** An expected failure of a command: its message is printed without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** What bringing the schema up to date did: "3 migrations in 1.2 s", or undefined when it was current. */
export type MigrationSummary = string | undefined;

/** Prints each migration as it runs ("migrating i/n name", with its elapsed time on a terminal). */
function migrationProgress() {
  const progress = new Progress();
  return {
    onMigration: (name: string, i: number, total: number, detail?: string) =>
      detail === undefined ? progress.step(`migrating ${i}/${total} ${name}`) : progress.detail(detail),
    done: (): MigrationSummary => {
      const took = progress.finish();
      return progress.steps === 0 ? undefined : `${progress.steps} migration${progress.steps === 1 ? '' : 's'} in ${took}`;
    },
  };
}

/**
 * Loads the configuration exactly as the server does, opens its store with the schema brought up
 * to date (progress printed), calls fn, and closes the store.
 */
export async function withStore<T>(fn: (store: Store, config: Config, migrated: MigrationSummary) => Promise<T>): Promise<T> {
  const config = loadConfig();
  sayDatabase(config);
  const progress = migrationProgress();
  const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, onMigration: progress.onMigration });
  const migrated = progress.done();
  try {
    return await fn(store, config, migrated);
  } finally {
    await store.close();
  }
}

/**
 * As withStore, on a database that must have been set up (by `rooms migrate` or a server's start;
 * one behind is brought up to date), with the services on top (and Redis in scaled mode): account changes made from
 * the command line follow the server's rules and, on a shared bus, reach the live nodes.
 */
export async function withCore<T>(fn: (core: Core, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  sayDatabase(config);
  const progress = migrationProgress();
  const core = await openCore(config, { clock: systemClock, onMigration: progress.onMigration, mustBeSetUp: true }).catch(
    (err: unknown) => {
      if (err instanceof DatabaseNotSetUpError) throw new CliError(err.message);
      throw err;
    },
  );
  progress.done();
  try {
    return await fn(core, config);
  } finally {
    await core.close();
  }
}

/** Every command says which database it works on (on stderr: stdout stays the command's answer). */
function sayDatabase(config: Config): void {
  process.stderr.write(`Database: ${describeDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR })}\n`);
}

/**
 * Runs a command and sets the exit code: 0 on success, 2 for bad configuration (as the server),
 * a CliError's own code, 1 for anything unexpected (with its stack).
 */
export function runCommand(main: () => Promise<void>): void {
  main().then(
    () => {
      process.exitCode ??= 0;
    },
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof CliError) {
        process.stderr.write(`${err.message}\n`);
        process.exitCode = err instanceof CliError ? err.exitCode : 2;
        return;
      }
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
