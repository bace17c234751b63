import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';

/** Notifications (mention, reply, room_invite, direct_message), kept 30 days. */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', t.uuid, (c) => c.primaryKey())
    .addColumn('user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('room_id', t.uuid, (c) => c.references('rooms.id').onDelete('cascade'))
    .addColumn('message_id', t.uuid, (c) => c.references('messages.id').onDelete('cascade'))
    .addColumn('actor_id', t.uuid, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('read_at', t.timestamp)
    .execute();
  await db.schema.createIndex('notifications_user_time').on('notifications').columns(['user_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('notifications_created').on('notifications').column('created_at').execute();
}
