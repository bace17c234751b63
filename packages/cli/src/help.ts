export const HELP = `Usage: rooms <command> [arguments]

Commands:
  serve         run the server (the same as npm start)
  migrate       bring the database schema up to date
  admin         manage accounts: create, promote, demote, deactivate, reset-password
  search-index  rebuild the message search index (repairs), with progress
  chat          the terminal chat client
  help          rooms help <command>: a command's options and examples

Every command takes --help. serve, migrate, admin and search-index read the server's configuration
(environment variables or ROOMS_CONFIG, see the README).

Examples:
  rooms serve --port 8080 --data-dir /var/lib/rooms
  rooms migrate
  rooms admin create alice alice@example.com --admin
  rooms chat http://localhost:8080`;

export const SERVE_HELP = `Usage: rooms serve [--port N] [--host ADDR] [--data-dir DIR] [--database-url URL] [--redis-url URL]

Runs the server until SIGTERM or Ctrl+C, exactly as npm start. The flags override the environment
variables of the same name (PORT, HOST, DATA_DIR, DATABASE_URL, REDIS_URL); every other setting
comes from the environment or ROOMS_CONFIG. Migrations run at start, one log line each. As npm
start, it first rebuilds the web app (npm run build:web) if its sources changed since the last build.

Examples:
  rooms serve
  rooms serve --port 9000 --data-dir ./chat-data
  rooms serve --database-url postgres://rooms@db/rooms --redis-url redis://cache:6379`;

/** Help of the commands implemented by the server package. */
export async function serverHelp(command: string): Promise<string> {
  if (command === 'serve') return SERVE_HELP;
  const ops = await import('@rooms/server/cli');
  if (command === 'migrate') return ops.MIGRATE_HELP;
  if (command === 'admin') return ops.ADMIN_HELP;
  if (command === 'search-index') return ops.SEARCH_INDEX_HELP;
  return `Unknown command "${command}".\n\n${HELP}`;
}
