import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { MigrationContext } from './index.ts';

/**
 * Search rows that know their room (issue 17, PostgreSQL only). At 1M messages a substring's
 * trigrams matched messages in every room, a twentieth of them in the searcher's 50 rooms, and
 * every one was read to be checked (366–518 ms p99); a 1–2-character CJK text has no trigram and
 * was matched by a scan of the searcher's rooms (176–300 ms). message_search now holds each
 * message's room, indexed, so that the planner ANDs a text index's bitmap with the searcher's
 * rooms' before reading a row; and a GIN index of the one- and two-character grams of non-ASCII
 * text finds a short CJK text. SQLite: nothing to do.
 */
export async function up(db: Kysely<unknown>, _t: ColumnTypes, ctx: MigrationContext): Promise<void> {
  await ctx.search.indexByRoom?.(db);
}
