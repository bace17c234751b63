import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../dialects/dialect.ts';

/**
 * Sessions and signing keys (issue 19).
 *
 * A session is one login: every token names its session (sid), so one can be ended on the server
 * (log out of this client, sign out that device) and listed. A WebSocket ticket carries the session
 * that minted it. Tokens issued before this migration name no session and stop working: their
 * holders log in again once. Outstanding tickets (30 s) are dropped rather than given a session.
 *
 * Signing keys live in the database when JWT_SECRET is not configured, so every node sharing it
 * signs and verifies with the same keys; a rotation adds a key that signs from then on and retires
 * the others, which still verify until the tokens they signed have expired.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', t.uuid, (c) => c.primaryKey())
    .addColumn('user_id', t.uuid, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_used_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id', 'last_used_at']).execute();
  await db.schema.createIndex('sessions_expiry').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('retired_at', t.timestamp)
    .execute();

  await sql`delete from ws_tickets`.execute(db);
  await db.schema.alterTable('ws_tickets').addColumn('session_id', t.uuid).execute();
}
