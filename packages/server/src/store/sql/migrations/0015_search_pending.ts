import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { MigrationContext } from './index.ts';

/**
 * Search index writes batched per commit (issue 17, SQLite only): a message's search row is still
 * written in its own transaction, but reaches the FTS5 indexes with the other messages of its group
 * commit, just before that commit (a message is findable when its send is acknowledged, as before).
 * Indexed in each send's savepoint, every message cost two new index segments and their merging:
 * most of a send's time. PostgreSQL's GIN indexes keep their own pending list: nothing to do there.
 */
export async function up(db: Kysely<unknown>, _t: ColumnTypes, ctx: MigrationContext): Promise<void> {
  await ctx.search.batchIndexWrites?.(db);
}
