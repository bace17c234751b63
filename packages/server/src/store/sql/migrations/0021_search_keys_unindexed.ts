import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';
import type { MigrationContext } from './index.ts';

/**
 * No index of the search rows by their trigram key (issue 17, SQLite only). The key (a room's
 * number × 2³² + the message's seq, migration 0019) puts each batch of the search queue in as many
 * places of that index as it has rooms: one page of it written a room, a batch (at 100 rooms, most
 * of the pages a batch commits), which cost each indexed message ~5 µs of CPU. A term's candidates
 * now reach their messages through the room's number and messages' (room_id, seq) index, which
 * the sends write anyway. PostgreSQL: nothing to do.
 */
export async function up(db: Kysely<unknown>, _t: ColumnTypes, ctx: MigrationContext): Promise<void> {
  await ctx.search.unindexTrigramKeys?.(db);
}
