import type { Actor } from '../../domain/actor.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { PresenceStatus, PresenceStore } from '../../ports/presence-store.ts';
import type { Store } from '../../store/store.ts';

export interface PresenceDeps {
  store: Store;
  presence: PresenceStore;
  bus: EventBus;
  clock: Clock;
  /** A closed connection counts this long, so a quick reconnect does not flap offline/online. */
  offlineGraceMs?: number;
  /** No activity on any connection for this long → away. */
  awayAfterMs?: number;
}

/**
 * Presence: online while a connection lives, away after 5 minutes without activity, offline when
 * the last connection closes (after a short grace). Changes go to the users who share a room.
 */
export class PresenceService {
  private readonly d: Required<PresenceDeps>;
  /** Users this node put to "away" for inactivity (not by choice), to bring back on activity. */
  private readonly autoAway = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(deps: PresenceDeps) {
    this.d = { offlineGraceMs: 5000, awayAfterMs: 5 * 60 * 1000, ...deps };
  }

  async connected(userId: string, connId: string): Promise<void> {
    if (await this.d.presence.connect(userId, connId)) await this.announce(userId);
  }

  /** Called when a connection closes; the user goes offline after the grace unless they reconnected. */
  disconnected(userId: string, connId: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.settle(userId, connId);
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
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async settle(userId: string, connId: string): Promise<void> {
    if (!(await this.d.presence.disconnect(userId, connId))) return;
    this.autoAway.delete(userId);
    await this.d.store.users.update(userId, { last_seen: this.d.clock.now().toISOString() });
    await this.announce(userId);
  }

  private async announce(userId: string): Promise<void> {
    const state = (await this.d.presence.get([userId])).get(userId);
    const audience = await this.d.store.members.coMembers(userId);
    await this.d.bus.publish({ kind: 'users', user_ids: [...audience, userId], type: 'presence_updated', data: { user_id: userId, ...state } });
  }
}
