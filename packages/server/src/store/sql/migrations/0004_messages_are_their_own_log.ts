import { sql, type Kysely } from 'kysely';

/**
 * A message's row is its own entry in the room's log (replayed as message_created from the
 * messages table): the copy in room_events doubled what every send wrote and committed, and kept
 * the text of messages deleted since. Existing copies go; the messages themselves stay.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from room_events where type = 'message_created'`.execute(db);
}
