/** A durable room event as read back from the database, ready to send. */
export interface StoredEvent {
  seq: number;
  type: string;
  data: unknown;
  frame: Buffer;
}

export interface RoomStreamDeps {
  send(frame: Buffer): void;
  /** Stored events of the room with seq > after, in order, at most limit. */
  fetchAfter(after: number, limit: number): Promise<StoredEvent[]>;
  /** True when this event ends the subscription (the subscriber left or was removed). */
  ends(e: { type: string; data: unknown }): boolean;
  onEnd(): void;
  onError(err: unknown): void;
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
  private readonly held = new Map<number, Buffer>();
  private filling: Promise<void> | undefined;
  private ended = false;
  private paused: boolean;
  private behind = false;
  private readonly d: RoomStreamDeps;

  /** A paused stream holds live events (sends nothing) until release(). */
  constructor(lastSeq: number, deps: RoomStreamDeps, paused = false) {
    this.lastSeq = lastSeq;
    this.d = deps;
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
    this.held.set(seq, frame);
    if (!this.paused) void this.fill();
  }

  /** Sends what a paused stream held, in order, and delivers live from then on. */
  release(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.filling || this.ended) return;
    this.drainHeld();
    if (this.held.size > 0 || this.behind) void this.fill();
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
      if (!this.ended && this.held.size > 0) void this.fill();
    });
    return this.filling;
  }

  stop(): void {
    this.ended = true;
    this.held.clear();
  }

  private async readGap(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.d.fetchAfter(this.lastSeq, PAGE);
        for (const r of rows) {
          if (this.ended) return;
          if (r.seq !== this.lastSeq + 1) continue;
          this.emit(r.seq, r.frame);
          if (this.d.ends(r)) return this.end();
        }
        if (rows.length < PAGE) return;
      }
    } catch (err) {
      this.d.onError(err);
    }
  }

  private drainHeld(): void {
    for (let f = this.held.get(this.lastSeq + 1); f && !this.ended; f = this.held.get(this.lastSeq + 1)) {
      this.held.delete(this.lastSeq + 1);
      this.emit(this.lastSeq + 1, f);
    }
    for (const seq of this.held.keys()) if (seq <= this.lastSeq) this.held.delete(seq);
  }

  private emit(seq: number, frame: Buffer): void {
    this.lastSeq = seq;
    this.d.send(frame);
  }

  private end(): void {
    this.stop();
    this.d.onEnd();
  }
}
