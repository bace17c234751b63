import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';

/**
 * Core features the legacy protocols need (issue 18): room likes (a count kept on the room, so
 * every room view carries it without a count query), guest accounts of the gateways, counsellors
 * and their match requests, and reports with the filings merged into them.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .alterTable('rooms')
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('room_likes')
    .addColumn('room_id', t.uuid, (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('room_likes_pk', ['room_id', 'user_id'])
    .execute();

  // A gateway's anonymous identity (e.g. "bubble:<uuid>") → the guest account made for it.
  await db.schema
    .createTable('guests')
    .addColumn('user_id', t.uuid, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('identity', 'text', (c) => c.notNull().unique())
    .addColumn('last_active_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guests_idle').on('guests').column('last_active_at').execute();

  await db.schema
    .createTable('counsellors')
    .addColumn('user_id', t.uuid, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('available', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('counsellor_requests')
    .addColumn('id', t.uuid, (c) => c.primaryKey())
    .addColumn('user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('counsellor_id', t.uuid, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('room_id', t.uuid, (c) => c.references('rooms.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('matched', 'missed')`))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('counsellor_requests_counsellor')
    .on('counsellor_requests')
    .columns(['counsellor_id', 'created_at'])
    .execute();
  await db.schema.createIndex('counsellor_requests_status').on('counsellor_requests').columns(['status', 'created_at']).execute();

  // One open report per reported thing (dedupe_key: the message, or the user): later filings merge into it.
  await db.schema
    .createTable('reports')
    .addColumn('id', t.uuid, (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('message', 'user')`))
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'resolved', 'dismissed')`))
    .addColumn('room_id', t.uuid, (c) => c.references('rooms.id').onDelete('set null'))
    .addColumn('reported_user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    // No foreign key: the snapshot is the evidence, whatever becomes of the message.
    .addColumn('message_id', t.uuid)
    .addColumn('snapshot', 'text')
    .addColumn('report_count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('action', 'text')
    .addColumn('reviewed_by', t.uuid, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reviewed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reports_open_key')
    .on('reports')
    .column('dedupe_key')
    .unique()
    .where(sql.ref('status'), '=', 'open')
    .execute();
  await db.schema.createIndex('reports_queue').on('reports').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('reports_room').on('reports').columns(['room_id', 'created_at']).execute();
  await db.schema
    .createTable('report_filings')
    .addColumn('report_id', t.uuid, (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('reporter_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('report_filings_pk', ['report_id', 'reporter_id'])
    .execute();
  await db.schema.createIndex('report_filings_reporter').on('report_filings').columns(['reporter_id', 'created_at']).execute();
}
