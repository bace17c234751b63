import { say, withStore } from './run.ts';

export const MIGRATE_HELP = `Usage: rooms migrate

Brings the database schema up to date (SQLite in DATA_DIR, or DATABASE_URL) and exits.
Safe to run again, and beside running servers: each migration runs once. Each migration is
printed as it starts; on a terminal the running one shows its elapsed time.

Reads the same configuration as the server (DATA_DIR, DATABASE_URL, ROOMS_CONFIG, ...).

Examples:
  rooms migrate
  DATABASE_URL=postgres://rooms@db/rooms rooms migrate`;

/** `rooms migrate`. */
export async function migrateCommand(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) return say(MIGRATE_HELP);
  await withStore(async (_store, _config, migrated) => say(migrated ? `schema up to date (${migrated})` : 'schema up to date'));
}
