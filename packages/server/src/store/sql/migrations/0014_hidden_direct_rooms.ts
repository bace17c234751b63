import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';

/**
 * A member may hide a direct room from their list (issue 19): hidden_at is when they did, null
 * while the room is listed. The next message in the room clears it for every member, in the
 * message's own transaction. No index: the list reads a user's memberships by user anyway.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema.alterTable('memberships').addColumn('hidden_at', t.timestamp).execute();
}
