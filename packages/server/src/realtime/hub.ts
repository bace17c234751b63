import type { DomainEvent, RoomEvent } from '../events/events.ts';
import type { EventBus } from '../ports/bus.ts';
import { encodeEvent } from './wire.ts';

/** What the hub needs of a live connection (a WebSocket today, a gateway session tomorrow). */
export interface Subscriber {
  readonly userId: string;
  readonly tokenVersion: number;
  /** Wants every user's login/logout (the terminal client prints them). */
  readonly sessionNotices: boolean;
  /** A durable (seq) or ephemeral room event for a room this subscriber follows. */
  deliverRoom(roomId: string, seq: number | undefined, frame: Buffer): void;
  /** A user-addressed event. */
  deliver(frame: Buffer): void;
  /** The user joined a room while connected: start following it from just before this seq. */
  follow(roomId: string, fromSeq: number): void;
  /** The user left or lost the room: send this last frame and stop following it. */
  unfollow(roomId: string, lastFrame: Buffer | undefined): void;
  close(code: number, reason: string): void;
}

/**
 * Each node's fan-out: receives every event from the bus, encodes it once, and writes it to the
 * local subscribers of the room (or of the user). Membership events change the subscriptions as
 * they pass, so a member who leaves stops receiving at once and a new member starts at once.
 */
export class Hub {
  private readonly byRoom = new Map<string, Set<Subscriber>>();
  /** A user's local connections: the connection itself while it is the only one (most users), a Set beyond. */
  private readonly byUser = new Map<string, Subscriber | Set<Subscriber>>();
  /** Subscribers that want login/logout notices. */
  private readonly watchers = new Set<Subscriber>();
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.unsubscribe = bus.subscribe((e) => this.onEvent(e));
  }

  register(s: Subscriber): void {
    if (s.sessionNotices) this.watchers.add(s);
    const current = this.byUser.get(s.userId);
    if (!current) this.byUser.set(s.userId, s);
    else if (current instanceof Set) current.add(s);
    else if (current !== s) this.byUser.set(s.userId, new Set([current, s]));
  }

  unregister(s: Subscriber, rooms: Iterable<string>): void {
    this.watchers.delete(s);
    for (const r of rooms) this.removeFromRoom(r, s);
    const current = this.byUser.get(s.userId);
    if (current === s) this.byUser.delete(s.userId);
    else if (current instanceof Set) {
      current.delete(s);
      if (current.size === 1) this.byUser.set(s.userId, current.values().next().value!);
    }
  }

  /** Index a subscriber under a room (its RoomStream lives in the subscriber). */
  addToRoom(roomId: string, s: Subscriber): void {
    let set = this.byRoom.get(roomId);
    if (!set) this.byRoom.set(roomId, (set = new Set()));
    set.add(s);
  }

  removeFromRoom(roomId: string, s: Subscriber): void {
    const set = this.byRoom.get(roomId);
    set?.delete(s);
    if (set?.size === 0) this.byRoom.delete(roomId);
  }

  /** Local connections of a user (presence, session revocation). */
  connectionsOf(userId: string): ReadonlySet<Subscriber> {
    const current = this.byUser.get(userId);
    return current instanceof Set ? current : new Set(current ? [current] : []);
  }

  /** The same as connectionsOf, without building a Set for a single connection (the hub's own loops). */
  private each(userId: string): Iterable<Subscriber> {
    const current = this.byUser.get(userId);
    return current instanceof Set ? current : current ? [current] : [];
  }

  get connectionCount(): number {
    let n = 0;
    for (const c of this.byUser.values()) n += c instanceof Set ? c.size : 1;
    return n;
  }

  close(): void {
    this.unsubscribe();
  }

  private onEvent(e: DomainEvent): void {
    if (e.kind === 'user') return this.onUserEvent(e.user_id, e.type, e.data, encodeEvent(e));
    if (e.kind === 'users') {
      const frame = encodeEvent(e);
      for (const id of e.user_ids) for (const s of this.each(id)) s.deliver(frame);
      return;
    }
    if (e.kind === 'all') {
      const frame = encodeEvent(e);
      if (e.watchersOnly) {
        for (const s of this.watchers) if (s.userId !== e.exclude) s.deliver(frame);
        return;
      }
      for (const userId of this.byUser.keys()) if (userId !== e.exclude) for (const s of this.each(userId)) s.deliver(frame);
      return;
    }
    this.onRoomEvent(e);
  }

  private onRoomEvent(e: RoomEvent): void {
    const frame = encodeEvent(e);
    if (e.type === 'user_joined' && e.seq !== undefined) {
      const joined = (e.data as { user?: { id?: string } }).user?.id;
      if (joined) for (const s of this.each(joined)) s.follow(e.room_id, e.seq - 1);
    }
    const leaving = e.type === 'user_left' ? (e.data as { user_id?: string }).user_id : undefined;
    // Leaving and deletion unfollow subscribers below, and also_to must still see who was a target
    // (or the user who left would get user_left twice): those iterate a copy. Every other event
    // iterates the live set, with no per-recipient copy (a Set tolerates deletion while iterated).
    const live = this.byRoom.get(e.room_id) ?? new Set<Subscriber>();
    const targets = e.type === 'user_left' || e.type === 'room_deleted' ? new Set(live) : live;
    for (const s of targets) {
      if (s.userId === e.exclude) continue;
      if (s.userId === leaving) s.unfollow(e.room_id, frame);
      else if (e.type === 'room_deleted') s.unfollow(e.room_id, frame);
      else s.deliverRoom(e.room_id, e.seq, frame);
    }
    // Users who must hear it though they follow the room no longer (removed, banned, room deleted).
    for (const id of e.also_to ?? []) {
      for (const s of this.each(id)) if (!targets.has(s)) s.deliver(frame);
    }
  }

  private onUserEvent(userId: string, type: string, data: unknown, frame: Buffer): void {
    const conns = this.each(userId);
    if (type === 'session_revoked') {
      const { token_version, deactivated } = data as { token_version: number; deactivated?: boolean };
      for (const s of [...conns]) if (s.tokenVersion < token_version) s.close(deactivated ? 4003 : 4001, deactivated ? 'account deactivated' : 'session revoked');
      return;
    }
    for (const s of conns) s.deliver(frame);
  }
}
