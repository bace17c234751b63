import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { openStore } from '../store/sql/open.ts';
import type { Store } from '../store/store.ts';

/** An expected failure of a command: its message is printed without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export const say = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * Loads the configuration exactly as the server does, opens its store with the schema brought up
 * to date (one "migrating i/n name" line per migration run), calls fn, and closes the store.
 */
export async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    onMigration: (name, i, total) => say(`migrating ${i}/${total} ${name}`),
  });
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/**
 * Runs a command with the process arguments and sets the exit code: 0 on success, 2 for bad
 * configuration (as the server), a CliError's own code, 1 for anything unexpected (with its stack).
 */
export function runCommand(main: (args: string[]) => Promise<void>): void {
  main(process.argv.slice(2)).then(
    () => {
      process.exitCode = 0;
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
