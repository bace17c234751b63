import type { SessionRepository, SigningKeyRepository } from '../../store.ts';
import type { SessionRow, SigningKeyRow } from '../../types.ts';
import { SqlRepository } from './sql-repository.ts';

export class SqlSessionRepository extends SqlRepository implements SessionRepository {
  async create(session: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(session).execute();
  }

  async find(id: string, now: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
  }

  async listForUser(userId: string, now: string): Promise<SessionRow[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .orderBy('last_used_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('sessions').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async deleteAllBut(userId: string, keep?: string): Promise<number> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keep !== undefined) q = q.where('id', '!=', keep);
    return Number((await q.executeTakeFirst()).numDeletedRows);
  }

  async extend(id: string, expiresAt: string): Promise<void> {
    await this.db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
  }

  async touch(uses: { id: string; lastUsedAt: string }[]): Promise<void> {
    // Only ever forward: a late batch must not move a session's last use back.
    for (const u of uses)
      await this.db
        .updateTable('sessions')
        .set({ last_used_at: u.lastUsedAt })
        .where('id', '=', u.id)
        .where('last_used_at', '<', u.lastUsedAt)
        .execute();
  }

  async deleteExpired(now: string): Promise<number> {
    return Number((await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows);
  }
}

export class SqlSigningKeyRepository extends SqlRepository implements SigningKeyRepository {
  async list(): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  async add(key: SigningKeyRow): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values(key)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async retireAllBut(keep: string, at: string): Promise<number> {
    const r = await this.db
      .updateTable('signing_keys')
      .set({ retired_at: at })
      .where('id', '!=', keep)
      .where('retired_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async deleteRetiredBefore(before: string): Promise<number> {
    const r = await this.db
      .deleteFrom('signing_keys')
      .where('retired_at', 'is not', null)
      .where('retired_at', '<', before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
