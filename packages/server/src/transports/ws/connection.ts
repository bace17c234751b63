import { ClientFrame, CLOSE_CODES, frameWeight, type ErrorCode } from '@rooms/protocol';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Actor } from '../../domain/actor.ts';
import { isDomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { Hub, Subscriber } from '../../realtime/hub.ts';
import { RoomStream, type RoomStreamOwner, type StoredEvent } from '../../realtime/room-stream.ts';
import { StreamsByRoom } from '../../realtime/streams-by-room.ts';
import { encodeFrame } from '../../realtime/wire.ts';
import type { LiveSessionsService } from '../../services/realtime/live-sessions.service.ts';
import { type Bucket, type FrameBudget, spend } from './frame-budget.ts';
import { storedEvents } from './stored-events.ts';
import { backlog, writeFrame } from './write-batching.ts';

export interface ConnectionDeps {
  hub: Hub;
  live: LiveSessionsService;
  logger: Logger;
  /** Outgoing bytes a socket may have queued before it is closed as a slow consumer. */
  maxBufferedBytes: number;
  /** What the client may send (WS_FRAME_RATE, WS_FRAME_BURST); overdrawing closes the socket with 1008. */
  frameBudget: FrameBudget;
  handle(conn: Connection, frame: ClientFrame): Promise<unknown>;
  onClose(conn: Connection): void;
}

/**
 * How long live events of the rooms followed from connect wait for the client's first frame.
 * A reconnecting client sends `resume` first: its rooms then replay from its own seqs, in order,
 * with none of those live events sent ahead of the replay (which would repeat or reorder them).
 */
const RESUME_WINDOW_MS = 1000;

/** How often a replay waiting for the socket to drain looks again. */
const ROOM_POLL_MS = 10;

/** "30 min" or "90 s": how long a terminal session may stay silent, for the close reason. */
const duration = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

/**
 * One WebSocket: validates frames, answers them (ack / error), and follows the user's rooms
 * through one RoomStream per room so that room events arrive exactly once and in order.
 */
/** What kind of session the client opened (terminal clients ask with `?client=terminal`). */
export interface SessionOptions {
  /** Closed (4010) after this long without a client frame. */
  idleTimeoutMs?: number | undefined;
  /** Told of every user's login and logout. */
  sessionNotices?: boolean;
}

/** The Connection a socket belongs to, set on the socket itself. */
const CONNECTION = Symbol('connection');
type OwnedSocket = WebSocket & { [CONNECTION]: Connection };

// One listener of each kind for every socket (`this` is the socket), where closures per
// connection cost each idle connection three functions and their context.
function onSocketMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  void (this as OwnedSocket)[CONNECTION].onMessage(data, isBinary);
}
function onSocketClose(this: WebSocket): void {
  (this as OwnedSocket)[CONNECTION].socketClosed();
}
function onSocketError(this: WebSocket, err: Error): void {
  (this as OwnedSocket)[CONNECTION].socketError(err);
}

export class Connection implements Subscriber, RoomStreamOwner, Bucket {
  readonly id = newId();
  readonly actor: Actor;
  readonly streams = new StreamsByRoom();
  readonly sessionNotices: boolean;
  lastActivity = Date.now();
  /** The frame budget's bucket (see frame-budget.ts): full at connect. */
  tokens: number;
  refilledAt = this.lastActivity;
  private readonly ws: WebSocket;
  private readonly d: ConnectionDeps;
  private closed = false;
  private cleaned = false;
  private sawFrame = false;
  /** Live events of the rooms followed from connect are held (until the first frame, or the window's end). */
  private holding = true;
  private holdTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** The connection's setup (following the user's rooms); frames that arrive before it ends wait for it. */
  private setup: Promise<void> | undefined;

  constructor(ws: WebSocket, actor: Actor, deps: ConnectionDeps, session: SessionOptions = {}) {
    this.ws = ws;
    this.actor = actor;
    this.d = deps;
    this.tokens = deps.frameBudget.burst;
    this.sessionNotices = session.sessionNotices ?? false;
    (ws as OwnedSocket)[CONNECTION] = this;
    ws.on('message', onSocketMessage);
    ws.on('close', onSocketClose);
    ws.on('error', onSocketError);
    const idleMs = session.idleTimeoutMs;
    if (idleMs) this.idleTimer = setTimeout(() => this.close(CLOSE_CODES.idleTimeout, `idle for ${duration(idleMs)} without input (TIME_OUT)`), idleMs);
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
   * Start (or restart) following a room from lastSeq; events after it are delivered, from the
   * database if needed. With hold, live events wait until the client's first frame is handled.
   */
  follow(roomId: string, lastSeq: number, hold = false): RoomStream {
    this.streams.get(roomId)?.stop();
    const stream = new RoomStream(roomId, lastSeq, this, hold && this.holding);
    this.streams.set(stream);
    this.d.hub.addToRoom(roomId, this);
    return stream;
  }

  unfollow(roomId: string, lastFrame: Buffer | undefined): void {
    // What a stream still holds for the resume window goes out first, in order.
    this.streams.get(roomId)?.release();
    if (lastFrame && this.streams.has(roomId)) this.send(lastFrame);
    this.dropRoom(roomId);
  }

  deliverRoom(roomId: string, seq: number | undefined, frame: Buffer): void {
    const stream = this.streams.get(roomId);
    if (!stream) return;
    if (seq === undefined) this.send(frame);
    else stream.offer(seq, frame);
  }

  /** RoomStreamOwner: the log of a room this connection follows. */
  fetchAfter(roomId: string, after: number, limit: number): Promise<StoredEvent[]> {
    return storedEvents(this.d.live, roomId, after, limit);
  }

  /** RoomStreamOwner: this user leaving (or being removed) ends the stream. */
  endsStream(_roomId: string, e: { type: string; data: unknown }): boolean {
    return e.type === 'user_left' && (e.data as { user_id?: string }).user_id === this.userId;
  }

  streamEnded(roomId: string): void {
    this.dropRoom(roomId);
  }

  streamFailed(roomId: string, err: unknown): void {
    this.d.logger.error({ err, roomId }, 'room stream failed');
  }

  deliver(frame: Buffer): void {
    this.send(frame);
  }

  /**
   * RoomStreamOwner: replays and held events go out while the socket has less than half its bound
   * queued (what was written this turn included), so that live events still fit beside them.
   */
  hasRoom(): boolean {
    return !this.closed && this.ws.bufferedAmount < this.d.maxBufferedBytes / 2;
  }

  /** RoomStreamOwner: polls rather than waiting for 'drain', which a socket below its high-water mark never emits. */
  async waitForRoom(): Promise<void> {
    while (!this.closed && !this.hasRoom()) await new Promise((resolve) => setTimeout(resolve, ROOM_POLL_MS));
  }

  /** Writes a frame (see realtime/wire.ts) unless the socket is too far behind: then it is closed, never waited for. */
  send(frame: Buffer): void {
    if (this.closed) return;
    if (backlog(this.ws) > this.d.maxBufferedBytes) {
      this.close(CLOSE_CODES.slowConsumer, 'slow consumer: reconnect and resume');
      return;
    }
    writeFrame(this.ws, frame);
  }

  reply(id: string | undefined, type: 'ack' | 'error', body: Record<string, unknown>): void {
    this.send(encodeFrame(id === undefined ? { type, ...body } : { type, id, ...body }));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
    this.cleanup();
  }

  private dropRoom(roomId: string): void {
    this.streams.get(roomId)?.stop();
    this.streams.delete(roomId);
    this.d.hub.removeFromRoom(roomId, this);
  }

  /**
   * Frames received until setup settles are handled after it, in the order they came; then the
   * resume window opens (live events held until the first frame, or RESUME_WINDOW_MS). Called
   * once, right after the connection is made.
   */
  holdFramesUntil(setup: Promise<void>): void {
    const settled = setup.then(
      () => {},
      () => {},
    );
    this.setup = settled;
    // The resume window starts once setup is done, not at the socket's opening: in a reconnect
    // storm setup itself can take longer than the window, and a window that closed before the
    // client's `resume` was even read released live events ahead of the replay (duplicates).
    void settled.then(() => {
      if (this.setup === settled) this.setup = undefined;
      if (this.holding && !this.sawFrame && !this.closed) this.holdTimer = setTimeout(() => this.releaseHeld(), RESUME_WINDOW_MS);
    });
  }

  /** The socket closed (by either side). */
  socketClosed(): void {
    this.closed = true;
    this.cleanup();
  }

  socketError(err: Error): void {
    this.d.logger.debug({ err }, 'websocket error');
  }

  async onMessage(data: Buffer, isBinary: boolean): Promise<void> {
    // Every frame, valid or not, costs 1 at receipt, before it is parsed or waits for anything:
    // a flood costs the server this check per frame until the socket is closed.
    if (!this.spend(1)) return;
    if (this.setup) await this.setup;
    if (this.closed) return;
    if (this.sawFrame) return this.handleMessage(data, isBinary);
    this.sawFrame = true;
    this.stopHoldTimer();
    try {
      await this.handleMessage(data, isBinary);
    } finally {
      this.releaseHeld();
    }
  }

  /** A cleared Timeout stays in memory as long as something points at it: 180 bytes per idle socket. */
  private stopHoldTimer(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  private releaseHeld(): void {
    this.stopHoldTimer();
    this.holding = false;
    for (const s of this.streams.values()) s.release();
  }

  private async handleMessage(data: Buffer, isBinary: boolean): Promise<void> {
    this.lastActivity = Date.now();
    this.idleTimer?.refresh();
    let raw: unknown;
    try {
      if (isBinary) throw new Error('binary');
      raw = JSON.parse(data.toString('utf8'));
    } catch {
      return this.fail(undefined, 'invalid_json', 'Frames are JSON text: { "type", "id"?, "data" }.');
    }
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? ((raw as { id: string }).id) : undefined;
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'frame', message: i.message }));
      return this.fail(id, 'validation_failed', `Invalid frame: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details);
    }
    // The rest of a costly frame's weight (a resume's rooms), known once it is parsed.
    if (!this.spend(frameWeight(parsed.data) - 1)) return;
    try {
      const result = await this.d.handle(this, parsed.data);
      if (parsed.data.id !== undefined) this.reply(parsed.data.id, 'ack', { data: result ?? {} });
    } catch (err) {
      if (isDomainError(err)) {
        const extra = err.retryAfterSeconds !== undefined ? { retry_after: err.retryAfterSeconds } : {};
        return this.fail(parsed.data.id, err.code, err.message, err.details, extra);
      }
      this.d.logger.error({ err, frame: parsed.data.type }, 'websocket frame failed');
      this.fail(parsed.data.id, 'internal', 'Something went wrong on our side.');
    }
  }

  /** Takes a frame's weight from the budget, or closes the socket (1008) when it is spent. */
  private spend(weight: number): boolean {
    if (this.closed) return false;
    const budget = this.d.frameBudget;
    if (weight <= 0 || spend(this, weight, budget, Date.now())) return true;
    this.close(CLOSE_CODES.policyViolation, `frame budget spent (WS_FRAME_RATE ${budget.rate}/s, WS_FRAME_BURST ${budget.burst}): slow down`);
    return false;
  }

  private fail(id: string | undefined, code: ErrorCode, message: string, details?: unknown, extra: Record<string, unknown> = {}): void {
    this.reply(id, 'error', { error: { code, message, ...(details === undefined ? {} : { details }), ...extra } });
  }

  private cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.stopHoldTimer();
    clearTimeout(this.idleTimer);
    for (const s of this.streams.values()) s.stop();
    this.d.hub.unregister(this, this.streams.roomIds());
    this.streams.clear();
    this.d.onClose(this);
  }
}
