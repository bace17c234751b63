import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';

/**
 * The moderation audit log (issue 19): one row per action taken with power over others (deleting
 * someone's message, mute, remove, ban, role change, deactivation, report resolved). Ids and
 * targets are not foreign keys: the log outlives purged accounts, deleted rooms and messages.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', t.uuid, (c) => c.primaryKey())
    .addColumn('actor_id', t.uuid)
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_user_id', t.uuid)
    .addColumn('target_message_id', t.uuid)
    .addColumn('room_id', t.uuid)
    .addColumn('reason', 'text')
    .addColumn('details', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_room').on('audit_log').columns(['room_id', 'id']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'id']).execute();
}
