import type { DomainEvent, RoomEvent, UserEvent } from '../events/events.ts';
import type { EventBus } from '../ports/bus.ts';
import { encodeEvent, type EncodedEvent } from './encoded-event.ts';

/**
 * What the hub needs of a live connection (a WebSocket today, a gateway session tomorrow). Events
 * come encoded once as JSON, the same object for every recipient: each transport frames it its own way.
 */
export interface Subscriber {
  readonly userId: string;
  readonly tokenVersion: number;
  /** The session (login) the connection was opened with: ending that session closes it. */
  readonly sessionId?: string | undefined;
  /** Wants every user's login/logout (the terminal client prints them). */
  readonly sessionNotices: boolean;
  /** A durable (seq) or ephemeral room event for a room this subscriber follows. */
  deliverRoom(roomId: string, seq: number | undefined, event: EncodedEvent): void;
  /** A user-addressed event. */
  deliver(event: EncodedEvent): void;
  /** The user joined a room while connected: start following it from just before this seq. */
  follow(roomId: string, fromSeq: number): void;
  /** The user left or lost the room: send this last event and stop following it. */
  unfollow(roomId: string, lastEvent: EncodedEvent | undefined): void;
  close(code: number, reason: string): void;
}

/**
 * How long presence changes wait for others to go out with them. A user who connects is announced
 * to every co-member: when 5,000 users come back after a restart, that is 100 frames per connect in
 * rooms of 100, and each frame written alone costs a socket write. Held this long, the changes a
 * recipient is due leave in one write, and a user's latest state replaces the earlier ones not sent
 * yet. A quarter of a second is below what anyone notices of a presence dot.
 */
export const PRESENCE_FLUSH_MS = 250;

/**
 * Frames one macrotask writes before the rest of a fan-out waits for the next one, so that
 * requests, timers and socket reads run in between: 200 messages to a room of 5,000 sockets held
 * /auth/me for 3.7 s when the million writes ran back to back.
 */
export const FANOUT_CHUNK = 2000;

/** One event's delivery (or a batch's: see onRoomEvent), served in chunks: its recipients still to serve, and what each gets. */
interface FanOut {
  targets: Iterator<Subscriber>;
  /** Writes to one recipient; returns the frames written. */
  deliver(s: Subscriber): number;
  /** After the last target. */
  finish?(): void;
}

/**
 * Room events that change no subscription and reach no one outside the room. Consecutive ones of
 * a room are written to each socket together: a socket then gets a burst's frames in one write
 * per turn, not one per event (socket writes are most of a busy server's CPU).
 */
const batchable = (e: DomainEvent | undefined, roomId: string): boolean =>
  e?.kind === 'room' &&
  e.room_id === roomId &&
  !e.also_to?.length &&
  e.type !== 'user_joined' &&
  e.type !== 'user_left' &&
  e.type !== 'room_deleted';
/** The same, as a guard: an event waiting behind a batch joins it. */
const joinsBatch = (e: DomainEvent | undefined, roomId: string): e is RoomEvent => batchable(e, roomId);

/**
 * Each node's fan-out: receives every event from the bus, encodes it once as JSON, and hands it to
 * the local subscribers of the room (or of the user), which frame it for their transport.
 * Membership events change the subscriptions as they pass, so a member who leaves stops receiving
 * at once and a new member starts at once. Presence changes are the exception to "at once": they are coalesced per recipient (above).
 * Events are served strictly one after the other, so each socket gets them in publication order,
 * even when a large fan-out is split over several macrotasks (FANOUT_CHUNK).
 */
export class Hub {
  private readonly byRoom = new Map<string, Set<Subscriber>>();
  /** A user's local connections: the connection itself while it is the only one (most users), a Set beyond. */
  private readonly byUser = new Map<string, Subscriber | Set<Subscriber>>();
  /** The highest seq of each room this hub has seen go by (see lastSeqSeen). */
  private readonly seen = new Map<string, number>();
  /** Subscribers that want login/logout notices. */
  private readonly watchers = new Set<Subscriber>();
  /** Presence events not yet delivered, per recipient: the latest per user whose presence changed. */
  private readonly presenceDue = new Map<Subscriber, Map<string, EncodedEvent>>();
  private presenceTimer: NodeJS.Timeout | undefined;
  private readonly presenceFlushMs: number;
  /** Events received and not yet started, in order, and the one being served. */
  private readonly pending: DomainEvent[] = [];
  private current: FanOut | undefined;
  /** Deliveries made this macrotask; reset (and the backlog resumed) by the next one. */
  private spent = 0;
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus, opts: { presenceFlushMs?: number } = {}) {
    this.presenceFlushMs = opts.presenceFlushMs ?? PRESENCE_FLUSH_MS;
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
    this.presenceDue.delete(s);
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

  /**
   * The highest seq of the room published since this node started, as far as this hub has seen.
   * A connection that read its rooms' seqs and then followed them asks this: an event committed
   * after the read but published before the follow went by it, and this says so without
   * reading the database again.
   */
  lastSeqSeen(roomId: string): number | undefined {
    return this.seen.get(roomId);
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
    this.pending.length = 0;
    this.current = undefined;
    clearTimeout(this.presenceTimer);
    this.presenceDue.clear();
  }

  private onEvent(e: DomainEvent): void {
    this.pending.push(e);
    if (this.pending.length === 1 && !this.current) this.serve();
  }

  /** Serves events in order until none is left or this macrotask's share of deliveries is spent. */
  private serve(): void {
    while (this.spent < FANOUT_CHUNK) {
      if (!this.current) {
        const e = this.pending.shift();
        if (!e) return;
        this.current = this.start(e);
        continue;
      }
      const job = this.current;
      for (;;) {
        if (this.spent >= FANOUT_CHUNK) return;
        const next = job.targets.next();
        if (next.done) break;
        if (this.spent === 0) setImmediate(this.nextTurn);
        this.spent += Math.max(1, job.deliver(next.value));
      }
      this.current = undefined;
      job.finish?.();
    }
  }

  private readonly nextTurn = (): void => {
    this.spent = 0;
    this.serve();
  };

  /** Starts serving an event: the changes it makes to subscriptions, then its fan-out (none when it has no recipients to write to). */
  private start(e: DomainEvent): FanOut | undefined {
    if (e.kind === 'user') return this.onUserEvent(e);
    if (e.kind === 'users') {
      const encoded = encodeEvent(e);
      const recipients = this.recipients(e.user_ids, e.room_ids);
      if (e.type === 'presence_updated') {
        this.presenceLater(recipients, e.data.user_id, encoded);
        return undefined;
      }
      return { targets: recipients[Symbol.iterator](), deliver: (s) => (s.deliver(encoded), 1) };
    }
    if (e.kind === 'all') {
      const encoded = encodeEvent(e);
      const targets = e.watchersOnly ? this.watchers.values() : this.everyone();
      return {
        targets,
        deliver: (s) => {
          if (s.userId === e.exclude) return 0;
          s.deliver(encoded);
          return 1;
        },
      };
    }
    return this.onRoomEvent(e);
  }

  /** Every local connection. */
  private *everyone(): Generator<Subscriber> {
    for (const c of this.byUser.values()) {
      if (c instanceof Set) yield* c;
      else yield c;
    }
  }

  private onRoomEvent(e: RoomEvent): FanOut {
    if (batchable(e, e.room_id)) return this.roomBatch(e);
    const encoded = encodeEvent(e);
    this.saw(e);
    if (e.type === 'user_joined' && e.seq !== undefined) {
      const joined = e.data.user?.id;
      if (joined) for (const s of this.each(joined)) s.follow(e.room_id, e.seq - 1);
    }
    const leaving = e.type === 'user_left' ? e.data.user_id : undefined;
    // Leaving and deletion unfollow subscribers below, and also_to must still see who was a target
    // (or the user who left would get user_left twice): those iterate a copy. Every other event
    // iterates the live set, with no per-recipient copy (a Set tolerates deletion while iterated).
    const live = this.byRoom.get(e.room_id) ?? new Set<Subscriber>();
    const targets = e.type === 'user_left' || e.type === 'room_deleted' ? new Set(live) : live;
    return {
      targets: targets.values(),
      deliver: (s) => {
        if (s.userId === e.exclude) return 0;
        if (s.userId === leaving || e.type === 'room_deleted') s.unfollow(e.room_id, encoded);
        else s.deliverRoom(e.room_id, e.seq, encoded);
        return 1;
      },
      // Users who must hear it though they follow the room no longer (removed, banned, room deleted).
      finish: e.also_to?.length
        ? () => {
            for (const id of e.also_to!) for (const s of this.each(id)) if (!targets.has(s)) s.deliver(encoded);
          }
        : undefined,
    };
  }

  /** This event and the batchable ones of its room right behind it, written to each follower together, in order. */
  private roomBatch(first: RoomEvent): FanOut {
    const batch: { e: RoomEvent; encoded: EncodedEvent }[] = [];
    for (let e = first; ;) {
      this.saw(e);
      batch.push({ e, encoded: encodeEvent(e) });
      const next = this.pending[0];
      if (!joinsBatch(next, first.room_id)) break;
      this.pending.shift();
      e = next;
    }
    return {
      targets: (this.byRoom.get(first.room_id) ?? new Set<Subscriber>()).values(),
      deliver: (s) => {
        let n = 0;
        for (const { e, encoded } of batch) {
          if (s.userId === e.exclude) continue;
          s.deliverRoom(e.room_id, e.seq, encoded);
          n++;
        }
        return n;
      },
    };
  }

  /** Keeps the highest seq of the room (see lastSeqSeen). */
  private saw(e: RoomEvent): void {
    if (e.type === 'room_deleted') this.seen.delete(e.room_id);
    else if (e.seq !== undefined && e.seq > (this.seen.get(e.room_id) ?? 0)) this.seen.set(e.room_id, e.seq);
  }

  /** The local connections of these users and the local followers of these rooms, each once. */
  private recipients(userIds: string[], roomIds: string[] | undefined): Iterable<Subscriber> {
    if (!roomIds?.length && userIds.length === 1) return this.each(userIds[0]!);
    const all = new Set<Subscriber>();
    for (const id of userIds) for (const s of this.each(id)) all.add(s);
    for (const room of roomIds ?? []) for (const s of this.byRoom.get(room) ?? []) all.add(s);
    return all;
  }

  private presenceLater(recipients: Iterable<Subscriber>, about: string, encoded: EncodedEvent): void {
    for (const s of recipients) {
      let due = this.presenceDue.get(s);
      if (!due) this.presenceDue.set(s, (due = new Map()));
      due.delete(about); // re-inserted: frames leave in the order of each user's latest change
      due.set(about, encoded);
    }
    if (!this.presenceTimer) {
      this.presenceTimer = setTimeout(() => this.flushPresence(), this.presenceFlushMs);
      this.presenceTimer.unref();
    }
  }

  private flushPresence(): void {
    this.presenceTimer = undefined;
    for (const [s, due] of this.presenceDue) for (const encoded of due.values()) s.deliver(encoded);
    this.presenceDue.clear();
  }

  private onUserEvent(e: UserEvent): FanOut | undefined {
    const conns = this.each(e.user_id);
    if (e.type === 'session_revoked') {
      const { token_version, deactivated, session_id } = e.data;
      // Every session older than the version (password change, log out everywhere), or the one ended.
      for (const s of [...conns])
        if (s.tokenVersion < (token_version ?? 0) || (session_id !== undefined && s.sessionId === session_id))
          s.close(deactivated ? 4003 : 4001, deactivated ? 'account deactivated' : 'session revoked');
      return undefined;
    }
    // For the server's own caches on every node: never sent to a client.
    if (e.type === 'profile_changed') return undefined;
    const encoded = encodeEvent(e);
    return { targets: conns[Symbol.iterator](), deliver: (s) => (s.deliver(encoded), 1) };
  }
}
