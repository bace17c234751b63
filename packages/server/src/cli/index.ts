/** The operator commands the `rooms` command runs (packages/cli): migrations, account administration, the search index. `rooms serve` is @rooms/server/serve. */
export { ADMIN_HELP, adminCommand, type AdminIo } from './admin.ts';
export { MIGRATE_HELP, migrateCommand } from './migrate.ts';
export { CliError, runCommand, say } from './run.ts';
export { SEARCH_INDEX_HELP, searchIndexCommand } from './search-index.ts';
