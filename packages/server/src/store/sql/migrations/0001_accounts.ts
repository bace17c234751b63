import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';

/** Accounts, personal profile fields, follows, one-time WebSocket tickets and job leader locks. */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', t.uuid, (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.unique())
    .addColumn('email', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('search_name', 'text', (c) => c.notNull())
    .addColumn('avatar_url', 'text')
    .addColumn('bio', 'text')
    .addColumn('website', 'text')
    .addColumn('status_message', 'text')
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_seen', t.timestamp)
    .addColumn('deactivated_at', t.timestamp)
    .addColumn('purge_after', t.timestamp)
    .addColumn('deleted_at', t.timestamp)
    .execute();
  await db.schema.createIndex('users_email').on('users').column('email').execute();
  await db.schema.createIndex('users_search_name').on('users').column('search_name').execute();
  await db.schema
    .createIndex('users_purge_after')
    .on('users')
    .column('purge_after')
    .where(sql.ref('purge_after'), 'is not', null)
    .execute();

  await db.schema
    .createTable('profile_fields')
    .addColumn('user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('visibility', 'text', (c) => c.notNull().check(sql`visibility in ('public', 'mates', 'private')`))
    .addPrimaryKeyConstraint('profile_fields_pk', ['user_id', 'field'])
    .execute();

  await db.schema
    .createTable('follows')
    .addColumn('follower_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('followee_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('follows_pk', ['follower_id', 'followee_id'])
    .addCheckConstraint('follows_not_self', sql`follower_id <> followee_id`)
    .execute();
  await db.schema.createIndex('follows_followee').on('follows').columns(['followee_id', 'created_at']).execute();
  await db.schema.createIndex('follows_follower').on('follows').columns(['follower_id', 'created_at']).execute();

  await db.schema
    .createTable('ws_tickets')
    .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('job_locks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .execute();
}
