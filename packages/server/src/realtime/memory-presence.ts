import type { Clock } from '../ports/clock.ts';
import type { PresenceState, PresenceStatus, PresenceStore } from '../ports/presence-store.ts';

interface Entry {
  conns: Set<string>;
  status: Exclude<PresenceStatus, 'offline'>;
  lastActive: number;
}

/** Presence for one process (embedded mode). */
export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Entry>();
  private readonly lastSeen = new Map<string, number>();
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  async connect(userId: string, connId: string): Promise<boolean> {
    const now = this.clock.now().getTime();
    const e = this.users.get(userId);
    if (e) {
      e.conns.add(connId);
      e.lastActive = now;
      return false;
    }
    this.users.set(userId, { conns: new Set([connId]), status: 'online', lastActive: now });
    return true;
  }

  async disconnect(userId: string, connId: string): Promise<boolean> {
    const e = this.users.get(userId);
    if (!e) return false;
    e.conns.delete(connId);
    if (e.conns.size > 0) return false;
    this.users.delete(userId);
    this.lastSeen.set(userId, this.clock.now().getTime());
    return true;
  }

  async refresh(entries: { userId: string; connId: string; lastActive: number }[]): Promise<void> {
    for (const { userId, lastActive } of entries) {
      const e = this.users.get(userId);
      if (e && lastActive > e.lastActive) e.lastActive = lastActive;
    }
  }

  async setStatus(userId: string, status: Exclude<PresenceStatus, 'offline'>): Promise<void> {
    const e = this.users.get(userId);
    if (e) e.status = status;
  }

  async get(userIds: string[]): Promise<Map<string, PresenceState>> {
    const out = new Map<string, PresenceState>();
    for (const id of userIds) {
      const e = this.users.get(id);
      const seen = e ? e.lastActive : this.lastSeen.get(id);
      out.set(id, { status: e ? e.status : 'offline', last_active: seen ? new Date(seen).toISOString() : null });
    }
    return out;
  }

  async close(): Promise<void> {
    this.users.clear();
  }
}
