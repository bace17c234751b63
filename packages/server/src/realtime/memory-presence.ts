import type { Clock } from '../ports/clock.ts';
import {
  PRESENCE_HISTORY_MS,
  type PresenceEntry,
  type PresenceState,
  type PresenceStatus,
  type PresenceStore,
} from '../ports/presence-store.ts';

interface Entry {
  /** The user's connection ids: an array, as a user has a handful at most (a Set costs ~300 bytes per online user). */
  conns: string[];
  status: Exclude<PresenceStatus, 'offline'>;
}

/** When a user last connected and was last active; kept after they go offline, for listings. */
interface Times {
  connectedAt: number;
  lastActive: number;
}

/** Presence for one process (embedded mode). */
export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Entry>();
  private readonly times = new Map<string, Times>();
  private readonly clock: Clock;
  private prunedAt = 0;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  async connect(userId: string, connId: string): Promise<boolean> {
    const now = this.clock.now().getTime();
    this.times.set(userId, { connectedAt: now, lastActive: now });
    this.prune(now);
    const e = this.users.get(userId);
    if (e) {
      if (!e.conns.includes(connId)) e.conns.push(connId);
      return false;
    }
    this.users.set(userId, { conns: [connId], status: 'online' });
    return true;
  }

  async disconnect(userId: string, connId: string): Promise<boolean> {
    const e = this.users.get(userId);
    if (!e) return false;
    const i = e.conns.indexOf(connId);
    // A connection not counted (closed twice) changes nothing, as in Redis.
    if (i < 0) return false;
    e.conns.splice(i, 1);
    if (e.conns.length > 0) return false;
    this.users.delete(userId);
    const t = this.times.get(userId);
    if (t) t.lastActive = Math.max(t.lastActive, this.clock.now().getTime());
    return true;
  }

  async refresh(entries: { userId: string; connId: string; lastActive: number }[]): Promise<void> {
    for (const { userId, lastActive } of entries) {
      const t = this.times.get(userId);
      if (t && this.users.has(userId) && lastActive > t.lastActive) t.lastActive = lastActive;
    }
  }

  async setStatus(userId: string, status: Exclude<PresenceStatus, 'offline'>): Promise<void> {
    const e = this.users.get(userId);
    if (e) e.status = status;
  }

  async get(userIds: string[]): Promise<Map<string, PresenceState>> {
    const out = new Map<string, PresenceState>();
    for (const id of userIds) {
      const { status, lastActive } = this.entry(id);
      out.set(id, { status, last_active: lastActive === null ? null : new Date(lastActive).toISOString() });
    }
    return out;
  }

  async online(): Promise<PresenceEntry[]> {
    return [...this.users.keys()].map((id) => this.entry(id));
  }

  async recent(kind: 'connected' | 'active', sinceMs: number): Promise<PresenceEntry[]> {
    const ids = [...this.times].filter(([, t]) => (kind === 'connected' ? t.connectedAt : t.lastActive) >= sinceMs).map(([id]) => id);
    return ids.map((id) => this.entry(id));
  }

  async close(): Promise<void> {
    this.users.clear();
  }

  private entry(userId: string): PresenceEntry {
    const e = this.users.get(userId);
    const t = this.times.get(userId);
    return { userId, status: e ? e.status : 'offline', connectedAt: t?.connectedAt ?? null, lastActive: t?.lastActive ?? null };
  }

  /** Forgets offline users not seen for longer than any listing looks back. */
  private prune(now: number): void {
    if (now - this.prunedAt < 60_000) return;
    this.prunedAt = now;
    for (const [id, t] of this.times) if (now - t.lastActive > PRESENCE_HISTORY_MS && !this.users.has(id)) this.times.delete(id);
  }
}
