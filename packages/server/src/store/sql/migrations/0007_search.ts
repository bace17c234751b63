import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';
import { indexAllMessages } from '../search/search-index.ts';
import type { MigrationContext } from './index.ts';

/** Progress is reported every this many messages (a large database takes minutes). */
const REPORT_EVERY = 10_000;

/**
 * Message search (issue 17): each message's search form in message_search, indexed by the
 * database's own full-text machinery (SQLite: FTS5 word and trigram indexes; PostgreSQL: an
 * english tsvector and pg_trgm, both GIN) — see the dialects' *-search.ts. Existing messages are
 * indexed here, with progress; later writes are indexed in their own transactions.
 */
export async function up(db: Kysely<unknown>, _t: unknown, ctx: MigrationContext): Promise<void> {
  // PostgreSQL runs each migration in a transaction; on SQLite this one makes its own, so that a
  // failure half-way leaves nothing behind (and one commit is faster than one per batch).
  if (!db.isTransaction) return db.transaction().execute((trx) => up(trx, _t, ctx));
  await ctx.search.createIndex(db, async () => {
    let reported = 0;
    await indexAllMessages(
      db as Kysely<DB>,
      (fn) => fn(db as Kysely<DB>),
      (done, total) => {
        if (done - reported < REPORT_EVERY && done < total) return;
        reported = done;
        ctx.progress(`indexed ${done}/${total} messages`);
      },
    );
  });
}
