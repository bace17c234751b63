import { sql } from 'kysely';
import type { CounsellorRepository, CounsellorRequestRow } from '../../core-features-store.ts';
import { decodeCursor, encodeCursor } from '../../cursor.ts';
import type { Page } from '../../types.ts';
import { ACTIVE_USER } from './sql-helpers.ts';
import { SqlRepository } from './sql-repository.ts';

/** Counsellors (SPEC 8): the flag is a row; availability and the match requests beside it. */
export class SqlCounsellorRepository extends SqlRepository implements CounsellorRepository {
  async setFlag(userId: string, counsellor: boolean, at: string): Promise<void> {
    if (!counsellor) {
      await this.db.deleteFrom('counsellors').where('user_id', '=', userId).execute();
      return;
    }
    await this.db
      .insertInto('counsellors')
      .values({ user_id: userId, available: 0, updated_at: at })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
  }

  async get(userId: string): Promise<{ available: boolean } | undefined> {
    const r = await this.db.selectFrom('counsellors').select('available').where('user_id', '=', userId).executeTakeFirst();
    return r && { available: r.available === 1 };
  }

  async setAvailable(userId: string, available: boolean, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('counsellors')
      .set({ available: available ? 1 : 0, updated_at: at })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async leastBusy(excludeUserId: string): Promise<string | undefined> {
    const openMatches = sql<number>`(select count(*) from counsellor_requests r where r.counsellor_id = counsellors.user_id and r.status = 'matched' and r.room_id is not null)`;
    const row = await this.db
      .selectFrom('counsellors')
      .innerJoin('users', 'users.id', 'counsellors.user_id')
      .select('counsellors.user_id')
      .where('counsellors.available', '=', 1)
      .where('counsellors.user_id', '!=', excludeUserId)
      .where(ACTIVE_USER)
      .orderBy(openMatches)
      .orderBy('counsellors.updated_at')
      .orderBy('counsellors.user_id')
      .limit(1)
      .executeTakeFirst();
    return row?.user_id;
  }

  async insertRequest(r: CounsellorRequestRow): Promise<void> {
    await this.db.insertInto('counsellor_requests').values(r).execute();
  }

  async requestsFor(counsellorId: string, limit: number, cursor?: string): Promise<Page<CounsellorRequestRow>> {
    const after = decodeCursor(cursor);
    let q = this.db
      .selectFrom('counsellor_requests')
      .selectAll()
      .where((eb) => eb.or([eb('counsellor_id', '=', counsellorId), eb('status', '=', 'missed')]));
    if (after)
      q = q.where((eb) => eb.or([eb('created_at', '<', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)])]));
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit).map((r) => ({ ...r, status: r.status as CounsellorRequestRow['status'] }));
    const last = page.at(-1);
    return { items: page, next_cursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null };
  }
}
