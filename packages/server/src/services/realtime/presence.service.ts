import type { PresenceEntry as PresenceView } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { PresenceStatus, PresenceStore } from '../../ports/presence-store.ts';
import { decodeKey, encodeKey } from '../../store/cursor.ts';
import type { Store } from '../../store/store.ts';
import { pageFrom } from '../../store/types.ts';
import type { BackgroundErrorHandler } from '../background.ts';
import { isActive } from '../users/active-user.ts';
import { toSummary } from '../users/user-presenter.ts';

export interface PresenceDeps {
  store: Store;
  presence: PresenceStore;
  bus: EventBus;
  clock: Clock;
  /** A closed connection counts this long, so a quick reconnect does not flap offline/online. */
  offlineGraceMs?: number;
  /** No activity on any connection for this long → away. */
  awayAfterMs?: number;
  /** Work started by a timer (going offline after the grace) has no caller to fail to. */
  onBackgroundError?: BackgroundErrorHandler;
}

export interface PresenceQuery {
  state: 'online' | 'connected' | 'active';
  minutes?: number | undefined;
  limit: number;
  cursor?: string | undefined;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Presence: online while a connection lives, away after 5 minutes without activity, offline when
 * the last connection closes (after a short grace). Status changes go to the users who share a
 * room; logging in (first connection) and out (last one closed) is announced to every terminal
 * session online (the connections that asked for it), as the terminal client's "X has logged in /
 * out" (SPEC 9).
 */
export class PresenceService {
  private readonly d: Required<PresenceDeps>;
  /** Users this node put to "away" for inactivity (not by choice), to bring back on activity. */
  private readonly autoAway = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(deps: PresenceDeps) {
    this.d = { offlineGraceMs: 5000, awayAfterMs: 5 * 60 * 1000, onBackgroundError: () => {}, ...deps };
  }

  async connected(userId: string, connId: string): Promise<void> {
    if (!(await this.d.presence.connect(userId, connId))) return;
    await this.announce(userId);
    await this.session(userId, 'user_online');
  }

  /**
   * Who is online, whose latest connection opened within `minutes`, or who was active within
   * them: any signed-in user may ask (as `who` in the chatroom seed); hidden accounts never appear.
   */
  async list(_actor: Actor, q: PresenceQuery): Promise<{ items: PresenceView[]; next_cursor: string | null; total: number }> {
    const since = this.d.clock.now().getTime() - (q.minutes ?? 0) * 60_000;
    const entries = q.state === 'online' ? await this.d.presence.online() : await this.d.presence.recent(q.state, since);
    const users = new Map((await this.d.store.users.findByIds(entries.map((e) => e.userId))).filter(isActive).map((u) => [u.id, u]));
    // Keyset over (username, id) in code-unit order, so a cursor is a position whoever comes and goes between pages.
    const key = (v: PresenceView): [string, string] => [v.user.username ?? '', v.user.id];
    const before = (a: readonly [string, string], b: readonly [string, string]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const all = entries
      .filter((e) => users.has(e.userId))
      .map((e) => ({
        user: toSummary(users.get(e.userId)!),
        status: e.status,
        connected_at: iso(e.connectedAt),
        last_active: iso(e.lastActive),
      }))
      .sort((a, b) => (before(key(a), key(b)) ? -1 : 1));
    const after = decodeKey(q.cursor, ['text', 'uuid'] as const);
    const rest = after ? all.filter((v) => before(after, key(v))) : all;
    const page = pageFrom(rest, q.limit, (last) => encodeKey(key(last)));
    return { ...page, total: all.length };
  }

  /** Called when a connection closes; the user goes offline after the grace unless they reconnected. */
  disconnected(userId: string, connId: string): void {
    // Sockets closed by the shutdown report in after close(): the store and Redis are going away.
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.settle(userId, connId).catch((err: unknown) => this.d.onBackgroundError(err, 'presence: going offline'));
    }, this.d.offlineGraceMs);
    this.timers.add(timer);
  }

  async setStatus(actor: Actor, status: Exclude<PresenceStatus, 'offline'>): Promise<{ status: PresenceStatus }> {
    this.autoAway.delete(actor.id);
    await this.d.presence.setStatus(actor.id, status);
    await this.announce(actor.id);
    return { status };
  }

  /**
   * Periodic pass over this node's connections: refreshes their TTL, moves users idle past the
   * threshold to away, and brings auto-away users back when they are active again.
   */
  async sweep(conns: { userId: string; connId: string; lastActive: number }[]): Promise<void> {
    await this.d.presence.refresh(conns);
    const now = this.d.clock.now().getTime();
    const latest = new Map<string, number>();
    for (const c of conns) latest.set(c.userId, Math.max(latest.get(c.userId) ?? 0, c.lastActive));
    const states = await this.d.presence.get([...latest.keys()]);
    for (const [userId, last] of latest) {
      const status = states.get(userId)?.status;
      const idle = now - last >= this.d.awayAfterMs;
      if (idle && status === 'online') {
        this.autoAway.add(userId);
        await this.d.presence.setStatus(userId, 'away');
        await this.announce(userId);
      } else if (!idle && status === 'away' && this.autoAway.delete(userId)) {
        await this.d.presence.setStatus(userId, 'online');
        await this.announce(userId);
      }
    }
  }

  async statuses(userIds: string[]) {
    return this.d.presence.get(userIds);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async settle(userId: string, connId: string): Promise<void> {
    if (!(await this.d.presence.disconnect(userId, connId))) return;
    this.autoAway.delete(userId);
    await this.d.store.users.update(userId, { last_seen: this.d.clock.now().toISOString() });
    await this.announce(userId);
    await this.session(userId, 'user_offline');
  }

  private async session(userId: string, type: 'user_online' | 'user_offline'): Promise<void> {
    const user = await this.d.store.users.findById(userId);
    if (!user) return;
    await this.d.bus.publish({
      kind: 'all',
      type,
      data: { user: toSummary(user), at: this.d.clock.now().toISOString() },
      exclude: userId,
      watchersOnly: true,
    });
  }

  private async announce(userId: string): Promise<void> {
    const state = (await this.d.presence.get([userId])).get(userId) ?? { status: 'offline', last_active: null };
    // Addressed to the user's rooms, not to a list of co-members: that list took a self-join of
    // memberships per announcement (150 us at 5,000 connects), and each hub knows who follows a room.
    const rooms = await this.d.store.members.roomIdsOf(userId);
    await this.d.bus.publish({
      kind: 'users',
      user_ids: [userId],
      room_ids: rooms,
      type: 'presence_updated',
      data: { user_id: userId, ...state },
    });
  }
}
