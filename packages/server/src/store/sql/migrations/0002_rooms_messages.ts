import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';

/**
 * Rooms, memberships, bans, invites, blocks, messages, reactions, pins, and the room event log.
 * Every durable room change takes the room's next seq (rooms.last_seq) in its own transaction and
 * is written to room_events under that seq, so clients can resume from any point.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('rooms')
    .addColumn('id', t.uuid, (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('public', 'private', 'direct')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('topic_kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('text')
        .check(sql`topic_kind in ('text', 'image', 'video')`),
    )
    .addColumn('cover_attachment_id', t.uuid)
    .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('member_limit', 'integer')
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('featured', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('direct_key', 'text', (c) => c.unique())
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', t.uuid, (c) => c.references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_message_at', t.timestamp)
    .execute();
  await db.schema.createIndex('rooms_public_name').on('rooms').columns(['type', 'name_lower', 'id']).execute();

  await db.schema
    .createTable('memberships')
    .addColumn('room_id', t.uuid, (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'admin', 'member')`))
    .addColumn('joined_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_read_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_read_message_id', t.uuid)
    .addColumn('last_read_at', t.timestamp)
    .addColumn('delivered_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('notification_level', 'text', (c) =>
      c
        .notNull()
        .defaultTo('all')
        .check(sql`notification_level in ('all', 'mentions', 'muted')`),
    )
    .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('muted_until', t.timestamp)
    .addPrimaryKeyConstraint('memberships_pk', ['room_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user').on('memberships').columns(['user_id', 'room_id']).execute();

  await db.schema
    .createTable('bans')
    .addColumn('room_id', t.uuid, (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('banned_by', t.uuid, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('bans_pk', ['room_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('invites')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('room_id', t.uuid, (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('created_by', t.uuid, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revoked_at', t.timestamp)
    .execute();
  await db.schema.createIndex('invites_room').on('invites').column('room_id').execute();

  await db.schema
    .createTable('blocks')
    .addColumn('blocker_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('blocked_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
    .addCheckConstraint('blocks_not_self', sql`blocker_id <> blocked_id`)
    .execute();
  await db.schema.createIndex('blocks_blocked').on('blocks').column('blocked_id').execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', t.uuid, (c) => c.primaryKey())
    .addColumn('room_id', t.uuid, (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('sender_id', t.uuid, (c) => c.notNull().references('users.id'))
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('text', 'image', 'file', 'audio', 'video', 'system')`))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('parent_id', t.uuid, (c) => c.references('messages.id'))
    .addColumn('client_id', 'text')
    .addColumn('mentions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('mentions_room', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('edited_at', t.timestamp)
    .addColumn('deleted_at', t.timestamp)
    .addUniqueConstraint('messages_room_seq', ['room_id', 'seq'])
    .execute();
  // One message per (sender, client_id): a resend finds the original instead of creating a copy.
  await db.schema
    .createIndex('messages_sender_client')
    .unique()
    .on('messages')
    .columns(['sender_id', 'client_id'])
    .where(sql.ref('client_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('messages_thread')
    .on('messages')
    .columns(['parent_id', 'seq'])
    .where(sql.ref('parent_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('reactions')
    .addColumn('message_id', t.uuid, (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('reactions_pk', ['message_id', 'emoji', 'user_id'])
    .execute();

  await db.schema
    .createTable('pins')
    .addColumn('room_id', t.uuid, (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('message_id', t.uuid, (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('pinned_by', t.uuid, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('pinned_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('pins_pk', ['room_id', 'message_id'])
    .execute();

  await db.schema
    .createTable('room_events')
    .addColumn('room_id', t.uuid, (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('room_events_pk', ['room_id', 'seq'])
    .execute();
}
