import type { LoggedRoomEvent } from '../events/events.ts';
import type { EncodedEvent } from './encoded-event.ts';

/** A durable room event as read back from the database, and encoded as it was sent live. */
export interface StoredEvent {
  event: LoggedRoomEvent;
  encoded: EncodedEvent;
}

/**
 * What a stream needs of its subscriber. Every method takes the room, so one owner (the
 * connection itself) serves all its streams: no closures per stream, which idle connections by
 * the thousand would pay for in memory.
 */
export interface RoomStreamOwner {
  send(event: EncodedEvent): void;
  /** Whether the subscriber can take more now: replays and held events stop while it cannot. */
  hasRoom(): boolean;
  /** Resolves once the subscriber has room again (or is gone). */
  waitForRoom(): Promise<void>;
  /** Stored events of the room with seq > after, in order, at most limit. */
  fetchAfter(roomId: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** True when this event ends the subscription (the subscriber left or was removed). */
  endsStream(roomId: string, e: LoggedRoomEvent): boolean;
  streamEnded(roomId: string): void;
  streamFailed(roomId: string, err: unknown): void;
}

const PAGE = 500;
/**
 * Live events a stream keeps while it waits (for its first frame, or for the database to fill a
 * gap); past this they are dropped and read back from the database, where every one of them is.
 */
const MAX_HELD = PAGE;

/**
 * Delivers one room's durable events to one subscriber exactly once and in seq order, whatever
 * order they arrive in: events at or below the last delivered seq are dropped, an event ahead of
 * the next expected seq is held while the gap is read from the database. Resume uses the same
 * path: it starts from the client's last seen seq and fills from the database.
 *
 * What is held, and what is read back, goes out only while the subscriber has room: the rest is
 * read from the database as its socket drains. Released all at once, the events held for a
 * client's resume window were enough to close it as a slow consumer.
 */
export class RoomStream {
  lastSeq: number;
  readonly roomId: string;
  /** Events ahead of the next expected seq; created on first need (most streams never hold any). */
  private held: Map<number, EncodedEvent> | undefined;
  private filling: Promise<void> | undefined;
  private ended = false;
  private paused: boolean;
  /** The database has events after lastSeq that are not held: read them (now, or on release). */
  private behind = false;
  private readonly owner: RoomStreamOwner;

  /** A paused stream holds live events (sends nothing) until release(). */
  constructor(roomId: string, lastSeq: number, owner: RoomStreamOwner, paused = false) {
    this.roomId = roomId;
    this.lastSeq = lastSeq;
    this.owner = owner;
    this.paused = paused;
  }

  /** A live event from the bus. */
  offer(seq: number, event: EncodedEvent): void {
    if (this.ended || seq <= this.lastSeq) return;
    if (!this.paused && !this.filling && seq === this.lastSeq + 1) {
      this.emit(seq, event);
      this.drainHeld();
      if (this.behind) void this.fill();
      return;
    }
    const held = (this.held ??= new Map());
    held.set(seq, event);
    if (held.size > MAX_HELD) this.dropHeld();
    if (!this.paused) void this.fill();
  }

  /** Sends what a paused stream held, in order, and delivers live from then on. */
  release(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.filling || this.ended) return;
    this.drainHeld();
    if ((this.held?.size ?? 0) > 0 || this.behind) void this.fill();
  }

  /** The database is ahead of lastSeq (an event slipped by before this stream existed): read it, now or on release. */
  catchUp(): void {
    if (this.paused) this.behind = true;
    else void this.fill();
  }

  /** Reads everything after lastSeq from the database (resume, or a gap in live delivery). */
  fill(): Promise<void> {
    this.filling ??= this.readGap().finally(() => {
      this.filling = undefined;
      this.drainHeld();
      // Something is still missing ahead of what was read, or was dropped meanwhile: read again.
      if (!this.ended && ((this.held?.size ?? 0) > 0 || this.behind)) void this.fill();
    });
    return this.filling;
  }

  stop(): void {
    this.ended = true;
    this.held = undefined;
  }

  private async readGap(): Promise<void> {
    try {
      for (;;) {
        this.behind = false;
        if (!this.owner.hasRoom() && !(await this.room())) return;
        const rows = await this.owner.fetchAfter(this.roomId, this.lastSeq, PAGE);
        for (const r of rows) {
          if (this.ended) return;
          if (r.event.seq !== this.lastSeq + 1) continue;
          if (!this.owner.hasRoom() && !(await this.room())) return;
          this.emit(r.event.seq, r.encoded);
          if (this.owner.endsStream(this.roomId, r.event)) return this.end();
        }
        if (rows.length < PAGE) return;
      }
    } catch (err) {
      this.owner.streamFailed(this.roomId, err);
    }
  }

  /** Waits until the subscriber has room; false when the stream ended meanwhile. */
  private async room(): Promise<boolean> {
    await this.owner.waitForRoom();
    return !this.ended;
  }

  /** Forgets what is held: it is all in the database, and is read from there. */
  private dropHeld(): void {
    this.held = undefined;
    this.behind = true;
  }

  private drainHeld(): void {
    const held = this.held;
    if (!held) return;
    for (let f = held.get(this.lastSeq + 1); f && !this.ended; f = held.get(this.lastSeq + 1)) {
      if (!this.owner.hasRoom()) return this.dropHeld();
      held.delete(this.lastSeq + 1);
      this.emit(this.lastSeq + 1, f);
    }
    for (const seq of held.keys()) if (seq <= this.lastSeq) held.delete(seq);
    if (held.size === 0 && this.held === held) this.held = undefined;
  }

  private emit(seq: number, event: EncodedEvent): void {
    this.lastSeq = seq;
    this.owner.send(event);
  }

  private end(): void {
    this.stop();
    this.owner.streamEnded(this.roomId);
  }
}
