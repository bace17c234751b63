/** A durable room event as read back from the database, ready to send. */
export interface StoredEvent {
  seq: number;
  type: string;
  data: unknown;
  frame: Buffer;
}

/**
 * What a stream needs of its subscriber. Every method takes the room, so one owner (the
 * connection itself) serves all its streams: no closures per stream, which idle connections by
 * the thousand would pay for in memory.
 */
export interface RoomStreamOwner {
  send(frame: Buffer): void;
  /** Stored events of the room with seq > after, in order, at most limit. */
  fetchAfter(roomId: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** True when this event ends the subscription (the subscriber left or was removed). */
  endsStream(roomId: string, e: { type: string; data: unknown }): boolean;
  streamEnded(roomId: string): void;
  streamFailed(roomId: string, err: unknown): void;
}

const PAGE = 500;

/**
 * Delivers one room's durable events to one subscriber exactly once and in seq order, whatever
 * order they arrive in: events at or below the last delivered seq are dropped, an event ahead of
 * the next expected seq is held while the gap is read from the database. Resume uses the same
 * path: it starts from the client's last seen seq and fills from the database.
 */
export class RoomStream {
  lastSeq: number;
  readonly roomId: string;
  /** Events ahead of the next expected seq; created on first need (most streams never hold any). */
  private held: Map<number, Buffer> | undefined;
  private filling: Promise<void> | undefined;
  private ended = false;
  private paused: boolean;
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
  offer(seq: number, frame: Buffer): void {
    if (this.ended || seq <= this.lastSeq) return;
    if (!this.paused && !this.filling && seq === this.lastSeq + 1) {
      this.emit(seq, frame);
      this.drainHeld();
      return;
    }
    (this.held ??= new Map()).set(seq, frame);
    if (!this.paused) void this.fill();
  }

  /** Sends what a paused stream held, in order, and delivers live from then on. */
  release(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.filling || this.ended) return;
    this.drainHeld();
    if ((this.held?.size ?? 0) > 0 || this.behind) void this.fill();
    this.behind = false;
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
      // Something is still missing ahead of what was read: read again.
      if (!this.ended && (this.held?.size ?? 0) > 0) void this.fill();
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
        const rows = await this.owner.fetchAfter(this.roomId, this.lastSeq, PAGE);
        for (const r of rows) {
          if (this.ended) return;
          if (r.seq !== this.lastSeq + 1) continue;
          this.emit(r.seq, r.frame);
          if (this.owner.endsStream(this.roomId, r)) return this.end();
        }
        if (rows.length < PAGE) return;
      }
    } catch (err) {
      this.owner.streamFailed(this.roomId, err);
    }
  }

  private drainHeld(): void {
    const held = this.held;
    if (!held) return;
    for (let f = held.get(this.lastSeq + 1); f && !this.ended; f = held.get(this.lastSeq + 1)) {
      held.delete(this.lastSeq + 1);
      this.emit(this.lastSeq + 1, f);
    }
    for (const seq of held.keys()) if (seq <= this.lastSeq) held.delete(seq);
    if (held.size === 0 && this.held === held) this.held = undefined;
  }

  private emit(seq: number, frame: Buffer): void {
    this.lastSeq = seq;
    this.owner.send(frame);
  }

  private end(): void {
    this.stop();
    this.owner.streamEnded(this.roomId);
  }
}
