import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { MigrationContext } from './index.ts';

/**
 * The search index written off the send path (issues 17 and 19, SQLite only): a send queues its
 * message (one small row) and batches of queued messages are indexed after their sends were
 * acknowledged (search-queue.ts). A search first indexes what was queued before it began, so a
 * message is still found the moment its send is acknowledged. Computing a message's search form
 * and writing its search row had cost a send as much as storing the message itself. PostgreSQL
 * still indexes in the send's transaction (its GIN indexes keep their own pending list).
 */
export async function up(db: Kysely<unknown>, _t: ColumnTypes, ctx: MigrationContext): Promise<void> {
  await ctx.search.indexLater?.(db);
}
