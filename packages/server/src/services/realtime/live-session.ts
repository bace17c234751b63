import type { ReadyData } from '@rooms/protocol';
import type { Logger } from 'pino';
import type { Actor } from '../../domain/actor.ts';
import { newId } from '../../domain/ids.ts';
import type { LoggedRoomEvent } from '../../events/events.ts';
import { encodeEvent, type EncodedEvent } from '../../realtime/encoded-event.ts';
import type { Hub, Subscriber } from '../../realtime/hub.ts';
import { RoomStream, type RoomStreamOwner, type StoredEvent } from '../../realtime/room-stream.ts';
import { StreamsByRoom } from '../../realtime/streams-by-room.ts';
import type { LiveSessionsService } from './live-sessions.service.ts';
import type { PresenceService } from './presence.service.ts';

/** What a live session needs of the transport under it (a WebSocket, a gateway's connection). */
export interface LiveSink {
  /** Sends an event, encoded once for every recipient, framed the transport's way. */
  send(event: EncodedEvent): void;
  /** Whether the client can take more now: replays and held events wait while it cannot. */
  hasRoom(): boolean;
  /** Ends the connection (session revoked, account deactivated), with a WebSocket-range close code. */
  close(code: number, reason: string): void;
}

export interface LiveSessionOptions {
  /** Told of every user's login and logout (terminal sessions). */
  sessionNotices?: boolean;
}

/** Rooms a resume follows before it lets other work run. */
const YIELD_EVERY_ROOMS = 20;
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How often a replay waiting for the client to drain looks again. */
const ROOM_POLL_MS = 10;

/**
 * One user's live session on any transport: it follows the user's rooms through one RoomStream per
 * room, so that room events arrive exactly once and in seq order (replayed from the database after
 * a seq, live after that), follows and unfollows rooms as the user joins and leaves them, and says
 * the user is connected for presence. The transport only frames what it is given and says when the
 * client can take more (LiveSink). Made by LiveSessions.open.
 */
export class LiveSession implements Subscriber, RoomStreamOwner {
  /** The connection's id for presence (a user online on several connections stays online until the last closes). */
  readonly id = newId();
  readonly actor: Actor;
  readonly sessionNotices: boolean;
  readonly streams = new StreamsByRoom();
  /** When the client last sent something (presence moves idle users to away). */
  lastActivity = Date.now();
  private readonly sink: LiveSink;
  private readonly host: LiveSessions;
  /** Live events of the rooms followed at start are held until release() (the transport's resume window). */
  private holding = true;
  private ended = false;

  constructor(actor: Actor, sink: LiveSink, host: LiveSessions, opts: LiveSessionOptions) {
    this.actor = actor;
    this.sink = sink;
    this.host = host;
    this.sessionNotices = opts.sessionNotices ?? false;
  }

  get userId(): string {
    return this.actor.id;
  }

  get tokenVersion(): number {
    return this.actor.tokenVersion;
  }

  get sessionId(): string | undefined {
    return this.actor.sessionId;
  }

  /**
   * Follows every room of the user from its current seq, holding their live events until
   * release(), and calls ready with what the client must be told first (the rooms and their seqs).
   * Call once, right after open; then connected().
   */
  async start(ready: (data: ReadyData) => void): Promise<void> {
    const mine = await this.host.d.live.roomsOf(this.actor);
    for (const room of mine) {
      const stream = this.followStream(room.room_id, room.last_seq, true);
      // An event committed after the read above but published before its room was followed went
      // past this session, and through the hub: its stream catches up from the database.
      if ((this.host.d.hub.lastSeqSeen(room.room_id) ?? 0) > room.last_seq) stream.catchUp();
    }
    ready({ user_id: this.actor.id, rooms: mine });
  }

  /** Counts the user as connected (online, announced to co-members) once the session has started. */
  connected(): Promise<void> {
    return this.host.d.presence.connected(this.actor.id, this.id);
  }

  /** The client did something: for presence's idle detection. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /**
   * Follows a room from a seq the client has seen (or from now), replaying anything after it from
   * the database; refused (404 / 403) as any read when the user may not read the room.
   */
  async join(roomId: string, lastSeq: number | undefined): Promise<{ room_id: string; last_seq: number }> {
    const stream = this.followStream(roomId, await this.host.d.live.followFrom(this.actor, roomId, lastSeq));
    await stream.fill();
    return { room_id: roomId, last_seq: stream.lastSeq };
  }

  /** Follows each room from the client's seq (a reconnect), replaying what it missed; names the rooms it may no longer read. */
  async resume(seqs: Record<string, number>): Promise<{ rooms: Record<string, number>; not_member: string[] }> {
    const rooms: Record<string, number> = {};
    const refused: string[] = [];
    let followed = 0;
    for (const [roomId, lastSeq] of Object.entries(seqs)) {
      // On SQLite every read resolves at once: a resume of 1,000 rooms would hold the event loop
      // for all of them (others' requests, and this client's own next frames, would wait).
      if (++followed % YIELD_EVERY_ROOMS === 0) await yieldToOthers();
      try {
        rooms[roomId] = (await this.join(roomId, lastSeq)).last_seq;
      } catch {
        // Not a member (any more): nothing to replay; say so rather than stay silent.
        refused.push(roomId);
      }
    }
    return { rooms, not_member: refused };
  }

  /** Stops following a room (the client asked; its membership is unchanged). */
  leave(roomId: string): void {
    this.unfollow(roomId, undefined);
  }

  /** Sends what the rooms followed at start held, in order, and delivers live from then on. */
  release(): void {
    this.holding = false;
    for (const s of this.streams.values()) s.release();
  }

  /** The transport's connection is gone: stop following, leave the hub, and (after a grace) go offline. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const s of this.streams.values()) s.stop();
    this.host.d.hub.unregister(this, this.streams.roomIds());
    this.streams.clear();
    this.host.ended(this);
  }

  /** Subscriber: the user joined a room while connected (the hub saw user_joined). */
  follow(roomId: string, fromSeq: number): void {
    this.followStream(roomId, fromSeq);
  }

  /** Subscriber: the user left or lost the room: this last event, then nothing more of it. */
  unfollow(roomId: string, lastEvent: EncodedEvent | undefined): void {
    // What a stream still holds for the resume window goes out first, in order.
    this.streams.get(roomId)?.release();
    if (lastEvent && this.streams.has(roomId)) this.send(lastEvent);
    this.dropRoom(roomId);
  }

  deliverRoom(roomId: string, seq: number | undefined, event: EncodedEvent): void {
    const stream = this.streams.get(roomId);
    if (!stream) return;
    if (seq === undefined) this.send(event);
    else stream.offer(seq, event);
  }

  deliver(event: EncodedEvent): void {
    this.send(event);
  }

  close(code: number, reason: string): void {
    this.sink.close(code, reason);
    this.end();
  }

  /** RoomStreamOwner. Someone else's message handed to the connection counts as delivered (direct rooms). */
  send(event: EncodedEvent): void {
    if (this.ended) return;
    this.sink.send(event);
    if (event.message && event.message.sender_id !== this.actor.id)
      this.host.d.live.received?.(event.message.room_id, this.actor.id, event.message.seq);
  }

  hasRoom(): boolean {
    return !this.ended && this.sink.hasRoom();
  }

  /** RoomStreamOwner: polls, as a socket below its high-water mark never says it drained. */
  async waitForRoom(): Promise<void> {
    while (!this.ended && !this.sink.hasRoom()) await new Promise((resolve) => setTimeout(resolve, ROOM_POLL_MS));
  }

  /** RoomStreamOwner: the log of a room this session follows, encoded exactly as it was sent live. */
  async fetchAfter(roomId: string, after: number, limit: number): Promise<StoredEvent[]> {
    const events = await this.host.d.live.eventsAfter(roomId, after, limit);
    return events.map((event) => ({ event, encoded: encodeEvent(event) }));
  }

  /** RoomStreamOwner: this user leaving (or being removed) ends the stream. */
  endsStream(_roomId: string, e: LoggedRoomEvent): boolean {
    return e.type === 'user_left' && e.data.user_id === this.userId;
  }

  streamEnded(roomId: string): void {
    this.dropRoom(roomId);
  }

  streamFailed(roomId: string, err: unknown): void {
    this.host.d.logger.error({ err, roomId }, 'room stream failed');
  }

  /** Starts (or restarts) following a room from lastSeq; with hold, live events wait for release(). */
  private followStream(roomId: string, lastSeq: number, hold = false): RoomStream {
    this.streams.get(roomId)?.stop();
    const stream = new RoomStream(roomId, lastSeq, this, hold && this.holding);
    this.streams.set(stream);
    this.host.d.hub.addToRoom(roomId, this);
    return stream;
  }

  private dropRoom(roomId: string): void {
    this.streams.get(roomId)?.stop();
    this.streams.delete(roomId);
    this.host.d.hub.removeFromRoom(roomId, this);
  }
}

export interface LiveSessionsDeps {
  hub: Hub;
  /** The rooms to follow, the right to follow one, and the room's log (the store, behind a service). */
  live: Pick<LiveSessionsService, 'roomsOf' | 'followFrom' | 'eventsAfter'> & Partial<Pick<LiveSessionsService, 'received'>>;
  presence: Pick<PresenceService, 'connected' | 'disconnected'>;
  logger: Pick<Logger, 'error'>;
}

/**
 * The live sessions of this node, on every transport: opens one per connection (registered with
 * the hub at once, so that nothing published from then on goes past it) and keeps them for
 * presence's periodic sweep. No transport reads the store or the hub's rooms itself.
 */
export class LiveSessions {
  readonly sessions = new Set<LiveSession>();
  /** For the sessions (one object for all of them: per-session copies cost every idle connection). */
  readonly d: LiveSessionsDeps;

  constructor(deps: LiveSessionsDeps) {
    this.d = deps;
  }

  /** A session for an authenticated user's new connection; start() it next. */
  open(actor: Actor, sink: LiveSink, opts: LiveSessionOptions = {}): LiveSession {
    const session = new LiveSession(actor, sink, this, opts);
    this.sessions.add(session);
    // Registered before the rooms' seqs are read (start): an event committed in between is then
    // either at or below the seqs read (the client fetches it with the history) or above (live).
    this.d.hub.register(session);
    return session;
  }

  /** What presence's sweep needs of each session. */
  activity(): { userId: string; connId: string; lastActive: number }[] {
    return [...this.sessions].map((s) => ({ userId: s.userId, connId: s.id, lastActive: s.lastActivity }));
  }

  /** Called by a session as it ends. */
  ended(session: LiveSession): void {
    this.sessions.delete(session);
    this.d.presence.disconnected(session.userId, session.id);
  }
}
