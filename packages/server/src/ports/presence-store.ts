export type PresenceStatus = 'online' | 'away' | 'busy' | 'offline';

export interface PresenceState {
  status: PresenceStatus;
  last_active: string | null;
}

/** A user in a presence listing: times in epoch milliseconds. */
export interface PresenceEntry {
  userId: string;
  status: PresenceStatus;
  /** When the user's latest connection opened. */
  connectedAt: number | null;
  lastActive: number | null;
}

/** Listings look back at most this far (`last N` and `active N` take N ≤ 60 minutes). */
export const PRESENCE_HISTORY_MS = 24 * 60 * 60 * 1000;

/**
 * Who is connected, shared by every node: in-process in embedded mode, Redis (entries expire after
 * 5 minutes unless a node refreshes them) in scaled mode, so a dead node's users go offline.
 */
export interface PresenceStore {
  /** Counts a connection of the user; true when the user was offline before. */
  connect(userId: string, connId: string): Promise<boolean>;
  /** Forgets a connection; true when the user has none left anywhere. */
  disconnect(userId: string, connId: string): Promise<boolean>;
  /** Keeps this node's connections alive (Redis TTL) and records activity. */
  refresh(entries: { userId: string; connId: string; lastActive: number }[]): Promise<void>;
  /** Sets the chosen status (online, away, busy) of a connected user. */
  setStatus(userId: string, status: Exclude<PresenceStatus, 'offline'>): Promise<void>;
  get(userIds: string[]): Promise<Map<string, PresenceState>>;
  /** Every user with a live connection on any node. */
  online(): Promise<PresenceEntry[]>;
  /** Users, online or not, whose latest connection opened (connected) or who were last active (active) at or after sinceMs. */
  recent(kind: 'connected' | 'active', sinceMs: number): Promise<PresenceEntry[]>;
  close(): Promise<void>;
}

export const PRESENCE_TTL_MS = 5 * 60 * 1000;
