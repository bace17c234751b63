import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { MigrationContext } from './index.ts';

/**
 * Two indexes on messages for search (issue 17, PostgreSQL only). By sender, for `from:`: without
 * it PostgreSQL had no way to a sender's messages but through every message, and at 1M messages a
 * `from:` query read the whole (room_id, seq) index or the table (4-5 s); with it, the sender's
 * messages first (a thousand), then the searcher's rooms and the text for those only. And each
 * room's live messages with their ids and times: a query that scans the searcher's rooms (a short
 * or common term) reads them from the index alone, not one message row per message (50,000 rows
 * of scattered pages for a searcher in 50 rooms at 1M). SQLite: nothing to do.
 */
export async function up(db: Kysely<unknown>, _t: ColumnTypes, ctx: MigrationContext): Promise<void> {
  await ctx.search.indexMessagesForSearch?.(db);
}
