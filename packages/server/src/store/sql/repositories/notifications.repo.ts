import type { Selectable } from 'kysely';
import { decodeCursor, encodeCursor } from '../../cursor.ts';
import type { NotificationRow } from '../../room-types.ts';
import type { NotificationRepository } from '../../store.ts';
import type { Page } from '../../types.ts';
import type { NotificationsTable } from '../schema.ts';
import { SqlRepository } from './sql-repository.ts';

const toNotification = (r: Selectable<NotificationsTable>): NotificationRow => ({
  ...r,
  type: r.type as NotificationRow['type'],
  payload: JSON.parse(r.payload) as unknown,
});

export class SqlNotificationRepository extends SqlRepository implements NotificationRepository {
  async insert(n: NotificationRow): Promise<void> {
    await this.db
      .insertInto('notifications')
      .values({ ...n, payload: JSON.stringify(n.payload) })
      .execute();
  }

  async list(userId: string, opts: { limit: number; cursor?: string | undefined; unreadOnly?: boolean }): Promise<Page<NotificationRow>> {
    const after = decodeCursor(opts.cursor);
    let q = this.db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
    if (opts.unreadOnly) q = q.where('read_at', 'is', null);
    if (after)
      q = q.where((eb) => eb.or([eb('created_at', '<', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)])]));
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(opts.limit + 1)
      .execute();
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    return {
      items: page.map(toNotification),
      next_cursor: rows.length > opts.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  async markRead(userId: string, id: string, at: string): Promise<boolean> {
    const found = await this.db
      .selectFrom('notifications')
      .select('id')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!found) return false;
    await this.db.updateTable('notifications').set({ read_at: at }).where('id', '=', id).where('read_at', 'is', null).execute();
    return true;
  }

  async markAllRead(userId: string, at: string): Promise<number> {
    const r = await this.db
      .updateTable('notifications')
      .set({ read_at: at })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async unreadCounts(userId: string): Promise<{ room_id: string | null; count: number }[]> {
    const rows = await this.db
      .selectFrom('notifications')
      .select((eb) => ['room_id', eb.fn.countAll<number>().as('count')])
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .groupBy('room_id')
      .execute();
    return rows.map((r) => ({ room_id: r.room_id, count: Number(r.count) }));
  }

  async deleteOlderThan(before: string): Promise<number> {
    const r = await this.db.deleteFrom('notifications').where('created_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
