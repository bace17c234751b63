import { runCommand, say, withStore } from './run.ts';

const HELP = `Usage: rooms migrate

Brings the database schema up to date (SQLite in DATA_DIR, or DATABASE_URL) and exits.
Safe to run again, and beside running servers: each migration runs once.

Examples:
  npm run migrate
  DATABASE_URL=postgres://rooms@db/rooms npm run migrate`;

runCommand(async (args) => {
  if (args.includes('--help') || args.includes('-h')) return say(HELP);
  await withStore(async () => say('schema up to date'));
});
