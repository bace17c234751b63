import { sql, type Kysely } from 'kysely';

/**
 * A WebSocket ticket carries the token version of the session that minted it, so a password
 * change (or log out everywhere) voids the tickets minted before it. Tickets live 30 s: the ones
 * outstanding at upgrade time are simply dropped rather than given a version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from ws_tickets`.execute(db);
  await db.schema
    .alterTable('ws_tickets')
    .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
