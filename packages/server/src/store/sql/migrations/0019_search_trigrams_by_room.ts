import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { MigrationContext } from './index.ts';

/**
 * The trigram index keyed by room (issue 17, SQLite only). Its rows were keyed by the search
 * row's id, in the order messages were indexed, so a phrase, a substring or a short CJK word found
 * its candidates in every room of the server and joined each to its message to learn its room:
 * at a million messages, tens of thousands of rows read to keep the few hundred in the
 * searcher's rooms (and, when the term was too common for that, a scan of all their messages to
 * count the hits). Each message's trigrams are now keyed by (its room's number, its seq), so a
 * room's rows are one range of the index, which FTS5 reads alone. The trigrams of the whole index
 * are rewritten here (seconds per 100,000 messages); new messages are keyed by the index's own
 * triggers, in the batches of the search queue (off the send path). PostgreSQL: nothing to do.
 */
export async function up(db: Kysely<unknown>, _t: ColumnTypes, ctx: MigrationContext): Promise<void> {
  await ctx.search.trigramsByRoom?.(db, ctx.progress);
}
