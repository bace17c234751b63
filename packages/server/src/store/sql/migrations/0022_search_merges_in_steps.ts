import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { MigrationContext } from './index.ts';

/**
 * The search indexes' merges in small steps (issues 17 and 19, SQLite only). FTS5 merges its
 * segments as it writes: every 64 leaf pages a batch wrote, 64 pages per level of merging at once,
 * so most batches merged nothing and a few held the writer, and the event loop with it, 10-50 ms
 * (more as the index grows: at 100k messages and 1,600 msg/s, p99 14 ms and max 48 ms a batch).
 * Its automatic merges are off now, and the search queue merges a few pages with each batch, in
 * proportion to the messages it indexed (search-queue.ts). PostgreSQL: nothing to do.
 */
export async function up(db: Kysely<unknown>, _t: ColumnTypes, ctx: MigrationContext): Promise<void> {
  await ctx.search.mergeInSteps?.(db);
}
