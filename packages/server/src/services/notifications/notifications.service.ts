import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import { toNotificationView } from './notify.ts';

const DAY_MS = 24 * 3600 * 1000;

/** The notification centre: list, mark read, unread counts; old notifications expire. */
export class NotificationsService {
  private readonly d: { store: Store; clock: Clock; retentionDays: number };

  constructor(deps: { store: Store; clock: Clock; retentionDays: number }) {
    this.d = deps;
  }

  async list(actor: Actor, opts: { limit: number; cursor?: string | undefined; unread?: boolean | undefined }) {
    const page = await this.d.store.notifications.list(actor.id, {
      limit: opts.limit,
      cursor: opts.cursor,
      unreadOnly: opts.unread === true,
    });
    const actors = new Map(
      (await this.d.store.users.findByIds(page.items.flatMap((n) => (n.actor_id ? [n.actor_id] : [])))).map((u) => [u.id, u]),
    );
    return {
      items: page.items.map((n) => toNotificationView(n, n.actor_id ? actors.get(n.actor_id) : undefined)),
      next_cursor: page.next_cursor,
      ...(await this.counts(actor)),
    };
  }

  async markRead(actor: Actor, id: string): Promise<void> {
    if (!(await this.d.store.notifications.markRead(actor.id, id, this.d.clock.now().toISOString()))) {
      throw new DomainError('not_found', 'No such notification.');
    }
  }

  async markAllRead(actor: Actor): Promise<{ marked: number }> {
    return { marked: await this.d.store.notifications.markAllRead(actor.id, this.d.clock.now().toISOString()) };
  }

  /** Unread notifications overall and per room. */
  async counts(actor: Actor): Promise<{ unread_count: number; unread_by_room: Record<string, number> }> {
    const rows = await this.d.store.notifications.unreadCounts(actor.id);
    const byRoom: Record<string, number> = {};
    for (const r of rows) if (r.room_id) byRoom[r.room_id] = r.count;
    return { unread_count: rows.reduce((n, r) => n + r.count, 0), unread_by_room: byRoom };
  }

  /** The expiry job: notifications older than the retention period are deleted. */
  expire(): Promise<number> {
    return this.d.store.notifications.deleteOlderThan(new Date(this.d.clock.now().getTime() - this.d.retentionDays * DAY_MS).toISOString());
  }
}
