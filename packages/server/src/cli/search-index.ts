import { CliError, say, withStore } from './run.ts';

export const SEARCH_INDEX_HELP = `Usage: rooms search-index rebuild

Rewrites the message search index from the messages (SQLite: FTS5; PostgreSQL: tsvector and
pg_trgm), a batch of messages per transaction, printing progress; then rebuilds the database's own
index structures. Safe beside running servers: a message sent meanwhile is indexed by its own
write. Use it to repair an index, or after an upgrade whose notes ask for it.

Reads the same configuration as the server (DATA_DIR, DATABASE_URL, ROOMS_CONFIG, ...).

Examples:
  rooms search-index rebuild
  DATABASE_URL=postgres://rooms@db/rooms rooms search-index rebuild`;

/** Progress lines: every this many messages, and at the end. */
const REPORT_EVERY = 10_000;

/** \`rooms search-index rebuild\`. */
export async function searchIndexCommand(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h') || args[0] === 'help') return say(SEARCH_INDEX_HELP);
  if (args.length !== 1 || args[0] !== 'rebuild') throw new CliError(`Usage: rooms search-index rebuild\n\n${SEARCH_INDEX_HELP}`);
  await withStore(async (store) => {
    const started = Date.now();
    let reported = 0;
    const done = await store.messages.rebuildSearchIndex((n, total) => {
      if (n - reported < REPORT_EVERY && n < total) return;
      reported = n;
      say(`indexed ${n}/${total} messages`);
    });
    say(`search index rebuilt: ${done} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}
