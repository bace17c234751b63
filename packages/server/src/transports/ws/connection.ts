import { ClientFrame, CLOSE_CODES, frameWeight, type ErrorCode } from '@rooms/protocol';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Actor } from '../../domain/actor.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { EncodedEvent } from '../../realtime/encoded-event.ts';
import type { LiveSession, LiveSessions, LiveSink } from '../../services/realtime/live-session.ts';
import { type Bucket, type FrameBudget, spend } from './frame-budget.ts';
import { encodeFrame, eventFrame } from './frames.ts';
import { backlog, writeFrame } from './write-batching.ts';
import { plainSendFrame } from './plain-send-frame.ts';

export interface ConnectionDeps {
  live: LiveSessions;
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

/** "30 min" or "90 s": how long a terminal session may stay silent, for the close reason. */
const duration = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

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

/**
 * One WebSocket: validates frames, answers them (ack / error), and frames what its live session
 * (services/realtime/live-session.ts: the rooms followed, replays, exactly once and in order)
 * hands it.
 */
export class Connection implements LiveSink, Bucket {
  readonly session: LiveSession;
  /** The frame budget's bucket (see frame-budget.ts): full at connect. */
  tokens: number;
  refilledAt = Date.now();
  private readonly ws: WebSocket;
  private readonly d: ConnectionDeps;
  private closed = false;
  private cleaned = false;
  private sawFrame = false;
  private holdTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** The connection's setup (following the user's rooms); frames that arrive before it ends wait for it. */
  private setup: Promise<void> | undefined;

  constructor(ws: WebSocket, actor: Actor, deps: ConnectionDeps, session: SessionOptions = {}) {
    this.ws = ws;
    this.d = deps;
    this.tokens = deps.frameBudget.burst;
    (ws as OwnedSocket)[CONNECTION] = this;
    ws.on('message', onSocketMessage);
    ws.on('close', onSocketClose);
    ws.on('error', onSocketError);
    const idleMs = session.idleTimeoutMs;
    if (idleMs)
      this.idleTimer = setTimeout(
        () => this.close(CLOSE_CODES.idleTimeout, `idle for ${duration(idleMs)} without input (TIME_OUT)`),
        idleMs,
      );
    this.session = deps.live.open(actor, this, { sessionNotices: session.sessionNotices ?? false });
  }

  get actor(): Actor {
    return this.session.actor;
  }

  /** LiveSink: replays and held events go out while the socket has less than half its bound queued, so live events still fit beside them. */
  hasRoom(): boolean {
    return !this.closed && this.ws.bufferedAmount < this.d.maxBufferedBytes / 2;
  }

  /** LiveSink: an event in its frame, built once per event whoever receives it (see frames.ts). */
  send(event: EncodedEvent): void {
    this.write(eventFrame(event));
  }

  /** Writes a frame unless the socket is too far behind: then it is closed, never waited for. */
  write(frame: Buffer): void {
    if (this.closed) return;
    if (backlog(this.ws) > this.d.maxBufferedBytes) {
      this.close(CLOSE_CODES.slowConsumer, 'slow consumer: reconnect and resume');
      return;
    }
    writeFrame(this.ws, frame);
  }

  reply(id: string | undefined, type: 'ack' | 'error', body: Record<string, unknown>): void {
    this.write(encodeFrame(id === undefined ? { type, ...body } : { type, id, ...body }));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
    this.cleanup();
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
      if (!this.sawFrame && !this.closed) this.holdTimer = setTimeout(() => this.releaseHeld(), RESUME_WINDOW_MS);
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
    this.session.release();
  }

  private async handleMessage(data: Buffer, isBinary: boolean): Promise<void> {
    this.session.touch();
    this.idleTimer?.refresh();
    let raw: unknown;
    try {
      if (isBinary) throw new Error('binary');
      raw = JSON.parse(data.toString('utf8'));
    } catch {
      return this.fail(undefined, 'invalid_json', 'Frames are JSON text: { "type", "id"?, "data" }.');
    }
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
    // The common send_message frame without zod; anything else (and every refusal) through it.
    const plain = plainSendFrame(raw);
    const parsed = plain ? { success: true as const, data: plain } : ClientFrame.safeParse(raw);
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
    this.close(
      CLOSE_CODES.policyViolation,
      `frame budget spent (WS_FRAME_RATE ${budget.rate}/s, WS_FRAME_BURST ${budget.burst}): slow down`,
    );
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
    this.session.end();
    this.d.onClose(this);
  }
}
