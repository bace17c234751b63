import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { MigrationContext } from './index.ts';

/**
 * The messages indexed by sender for search's `from:` (issue 17, PostgreSQL only). Without it
 * PostgreSQL had no way to a sender's messages but through every message: at 1M messages a
 * `from:` query read the whole (room_id, seq) index or the table (4-5 s); with it, the sender's
 * messages first (a thousand), then the searcher's rooms and the text for those only. SQLite's
 * query reads the searcher's rooms and checks the sender per row: nothing to do there.
 */
export async function up(db: Kysely<unknown>, _t: ColumnTypes, ctx: MigrationContext): Promise<void> {
  await ctx.search.indexFilters?.(db);
}
