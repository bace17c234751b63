import type { TicketRepository } from '../../store.ts';
import { SqlRepository } from './sql-repository.ts';

export class SqlTicketRepository extends SqlRepository implements TicketRepository {
  async create(ticketHash: string, userId: string, tokenVersion: number, expiresAt: string, sessionId: string): Promise<void> {
    await this.db
      .insertInto('ws_tickets')
      .values({ ticket_hash: ticketHash, user_id: userId, token_version: tokenVersion, expires_at: expiresAt, session_id: sessionId })
      .execute();
  }

  async consume(ticketHash: string, now: string): Promise<{ userId: string; tokenVersion: number; sessionId: string | null } | undefined> {
    // DELETE … RETURNING is atomic: two racing uses of one ticket cannot both get a row.
    const r = await this.db
      .deleteFrom('ws_tickets')
      .where('ticket_hash', '=', ticketHash)
      .returning(['user_id', 'token_version', 'expires_at', 'session_id'])
      .executeTakeFirst();
    if (!r || Date.parse(r.expires_at) <= Date.parse(now)) return undefined;
    return { userId: r.user_id, tokenVersion: r.token_version, sessionId: r.session_id };
  }

  async deleteExpired(now: string): Promise<number> {
    const r = await this.db.deleteFrom('ws_tickets').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
