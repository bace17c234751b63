import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { MigrationContext } from './index.ts';

/**
 * The trigram index written in batches of many messages, not at every commit (issue 17, SQLite
 * only). A message's trigrams are most of what indexing it costs, and at low rates a group commit
 * holds one or two messages: each commit wrote a small trigram segment, and FTS5's merging of
 * those segments stalled sends for up to 150 ms (S1 p99). Rows now wait in a second pending list
 * until enough have gathered; a search checks those few rows directly, so a message is still
 * found the moment its send is acknowledged. The word index (stems) is still written per commit.
 */
export async function up(db: Kysely<unknown>, _t: ColumnTypes, ctx: MigrationContext): Promise<void> {
  await ctx.search.deferTrigramWrites?.(db);
}
