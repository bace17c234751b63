import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';

/**
 * Uploaded files (issue 16). A row is written once the bytes are stored; it is unposted (room_id,
 * message_id and posted_at null) until a message carries it. posted_at stays set when the message's
 * room is deleted (message_id and room_id fall to null): such orphans, and unposted uploads past
 * their day, are what the cleanup job removes with their bytes.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('attachments')
    .addColumn('id', t.uuid, (c) => c.primaryKey())
    .addColumn('uploader_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('room_id', t.uuid, (c) => c.references('rooms.id').onDelete('set null'))
    .addColumn('message_id', t.uuid, (c) => c.references('messages.id').onDelete('set null'))
    .addColumn('position', 'integer')
    .addColumn('posted_at', t.timestamp)
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('image', 'audio', 'video', 'document', 'archive')`))
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('thumb_width', 'integer')
    .addColumn('thumb_height', 'integer')
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('thumb_key', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_uploader').on('attachments').columns(['uploader_id', 'created_at']).execute();
  await db.schema
    .createIndex('attachments_message')
    .on('attachments')
    .columns(['message_id', 'position'])
    .where(sql.ref('message_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('attachments_unposted')
    .on('attachments')
    .column('created_at')
    .where(sql.ref('posted_at'), 'is', null)
    .execute();
}
