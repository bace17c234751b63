import { CLOSE_CODES, ERROR_STATUS, frameWeight } from '@rooms/protocol';
import type { Message } from '../api/messages.ts';
import { RoomsApiError } from '../errors.ts';
import type { Http } from '../http.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { Emitter } from './emitter.ts';
import type { AnswerFrame, ServerEvent, ServerFrame } from './events.ts';
import { MemoryOutbox, type OutboxItem, type OutboxStore } from './outbox.ts';
import { OutboxSender } from './outbox-sender.ts';
import { FramePacer } from './pacer.ts';
import { defaultSockets, type LiveSocket, type SocketFactory } from './socket.ts';

export type LiveStatus = 'connecting' | 'connected' | 'disconnected';

export interface LiveOptions {
  /** 'terminal': the server ends the session after TIME_OUT without a frame (see touch()). */
  client?: 'terminal';
  /** Where queued sends wait (memory by default). */
  outbox?: OutboxStore;
  backoff?: Partial<BackoffOptions>;
  /** Protocol pings (Node): a connection that misses one for intervalMs is dropped and reconnected. false: off. */
  heartbeat?: { intervalMs: number } | false;
  /** Last seen seq per room (e.g. kept from a previous run): the first connection resumes from them. */
  lastSeqs?: Record<string, number>;
  /** How long a connection may take to open and say ready, and a request to be answered. */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  sockets?: SocketFactory;
  /** How the handshake authenticates: a header (Node), the token in the query, or a one-time ticket (browsers). */
  auth?: 'header' | 'query' | 'ticket';
}

export interface ClosedInfo {
  code: number;
  reason: string;
  willReconnect: boolean;
  /** The HTTP status the server refused the upgrade with (401: the token is no longer valid). */
  httpStatus?: number;
  /** When reconnecting: how long until the next attempt (a UI can count it down). */
  retryInMs?: number;
}

export type LiveEvents = {
  status: [LiveStatus];
  event: [ServerEvent];
  closed: [ClosedInfo];
  sent: [OutboxItem, Message];
  failed: [OutboxItem, RoomsApiError];
  error: [unknown];
};

/** Close codes after which reconnecting cannot help (the session is over). */
/** A terminal's touch() sends nothing when a frame went out this recently: any frame restarts the idle clock (TIME_OUT is at least 1 s). */
const TOUCH_EVERY_MS = 250;

const FINAL: ReadonlySet<number> = new Set([CLOSE_CODES.sessionRevoked, CLOSE_CODES.accountDeactivated, CLOSE_CODES.idleTimeout]);

interface Attempt {
  socket?: LiveSocket;
  refused?: number;
  connectTimer?: ReturnType<typeof setTimeout>;
  heartbeat?: ReturnType<typeof setInterval>;
  awaitingPong?: boolean;
  /** Paces frames to the budget the server's `ready` announced (none announced: frames go at once). */
  pacer?: FramePacer;
}

interface Pending {
  resolve(data: unknown): void;
  reject(err: RoomsApiError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The live connection: connects with the client's token, reconnects with exponential backoff and
 * full jitter, resumes every room from the last seq it saw (as its first frame, after `ready`),
 * drops any event it already delivered, and sends queued messages once connected.
 */
export class LiveConnection extends Emitter<LiveEvents> {
  status: LiveStatus = 'disconnected';
  userId: string | undefined;
  readonly stats = { connects: 0, reconnects: 0, duplicatesDropped: 0, events: 0 };
  private readonly http: Http;
  private readonly opts: Required<Omit<LiveOptions, 'client' | 'outbox' | 'lastSeqs' | 'auth'>> & Pick<LiveOptions, 'client' | 'auth'>;
  private readonly backoff: BackoffOptions;
  private readonly seqs: Map<string, number>;
  private readonly outbox: OutboxSender;
  private readonly pending = new Map<string, Pending>();
  private current: Attempt | undefined;
  private running = false;
  private failures = 0;
  private nextId = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(http: Http, opts: LiveOptions = {}) {
    super();
    this.http = http;
    this.opts = {
      heartbeat: { intervalMs: 15_000 },
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 15_000,
      sockets: defaultSockets(),
      backoff: {},
      ...opts,
    };
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.seqs = new Map(Object.entries(opts.lastSeqs ?? {}));
    this.outbox = new OutboxSender(opts.outbox ?? new MemoryOutbox(), {
      connected: () => this.status === 'connected',
      request: (type, data) => this.request(type, data),
      reconnect: () => this.current && this.drop(this.current, 'no answer from the server: reconnecting'),
      sent: (item, message) => this.emit('sent', item, message),
      failed: (item, error) => this.emit('failed', item, error),
      error: (err) => this.emit('error', err),
    });
  }

  /** Connects, and keeps reconnecting until stop() or a final close (revoked session, idle timeout). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    void this.connect();
  }

  /** Closes the connection for good (close code 1000). Queued messages stay in the outbox store. */
  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    const att = this.current;
    if (!att) return this.setStatus('disconnected');
    att.socket?.close(1000, 'client closed');
    this.closed(att, 1000, 'client closed');
  }

  /** Queues a message (sent now when connected; with attachments, once their uploads are done); resolves with the stored message or rejects with why it was refused. */
  send(
    roomId: string,
    content: string,
    opts: { parentId?: string; clientId?: string; attachments?: string[] | Promise<string[]> } = {},
  ): Promise<Message> {
    return this.outbox.send(roomId, content, opts);
  }

  /** Messages still waiting in the outbox. */
  queued(): Promise<number> {
    return this.outbox.pending();
  }

  /** Sends a frame and resolves with its ack's data (rejects with the error frame, or when not connected). */
  request<T = unknown>(type: string, data: unknown = {}, duringHandshake = false): Promise<T> {
    const att = this.current;
    const socket = att?.socket;
    if (!att || !socket || (!duringHandshake && this.status !== 'connected'))
      return Promise.reject(new RoomsApiError(0, 'disconnected', 'Not connected: nothing was sent.'));
    const id = String(++this.nextId);
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { resolve: resolve as (d: unknown) => void, reject, timer: undefined };
      this.pending.set(id, p);
      const text = JSON.stringify({ type, id, data });
      // The answer is awaited from when the frame leaves, not while it waits for the frame budget.
      this.transmit(att, frameWeight({ type, data }), () => {
        socket.send(text);
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new RoomsApiError(0, 'timeout', `No answer to ${type} in time.`));
        }, this.opts.requestTimeoutMs);
      });
    });
  }

  /** Tells the server someone is there (a terminal's input): restarts its idle clock. No answer. */
  touch(): void {
    const att = this.current;
    const socket = att?.socket;
    if (this.status !== 'connected' || !socket) return;
    if (att.pacer && Date.now() - att.pacer.lastSentAt < TOUCH_EVERY_MS) return;
    this.transmit(att, 1, () => socket.send('{"type":"ping","data":{}}'));
  }

  /** Sends a frame of this weight now, or when the server's frame budget allows (see FramePacer). */
  private transmit(att: Attempt, weight: number, send: () => void): void {
    if (att.pacer) att.pacer.send(weight, send);
    else send();
  }

  /** The last seq seen per room: keep it to resume from there in a later run. */
  lastSeqs(): Record<string, number> {
    return Object.fromEntries(this.seqs);
  }

  private async connect(): Promise<void> {
    if (!this.running || this.current) return;
    const att: Attempt = {};
    this.current = att;
    this.setStatus('connecting');
    let target: { url: string; headers: Record<string, string> };
    try {
      target = await this.target();
    } catch (err) {
      if ((err as RoomsApiError).status === 401) att.refused = 401;
      return this.closed(att, 1006, (err as Error).message);
    }
    if (this.current !== att) return;
    att.connectTimer = setTimeout(() => this.drop(att, 'no answer from the server in time'), this.opts.connectTimeoutMs);
    try {
      att.socket = this.opts.sockets.open(target.url, target.headers, {
        open: () => {},
        message: (text) => this.onText(att, text),
        close: (code, reason) => this.closed(att, code, reason),
        refused: (status) => void (att.refused = status),
        pong: () => void (att.awaitingPong = false),
      });
    } catch (err) {
      this.closed(att, 1006, (err as Error).message);
    }
  }

  /** The /ws URL and headers of the next attempt, with a fresh token (or ticket). */
  private async target(): Promise<{ url: string; headers: Record<string, string> }> {
    const url = new URL(this.http.url('/ws').replace(/^http/, 'ws'));
    if (this.opts.client) url.searchParams.set('client', this.opts.client);
    const auth = this.opts.auth ?? (this.opts.sockets.headers ? 'header' : 'ticket');
    if (auth === 'ticket') url.searchParams.set('ticket', (await this.http.post<{ ticket: string }>('/auth/ws-ticket')).ticket);
    if (auth === 'query' && this.http.token) url.searchParams.set('token', this.http.token);
    return { url: url.toString(), headers: auth === 'header' && this.http.token ? { authorization: `Bearer ${this.http.token}` } : {} };
  }

  private onText(att: Attempt, text: string): void {
    if (this.current !== att) return;
    let frame: ServerFrame;
    try {
      // The server speaks the protocol's frames (@rooms/protocol): the SDK trusts their shape rather
      // than carry the schemas into every browser bundle.
      frame = JSON.parse(text);
    } catch {
      return;
    }
    // An answer carries the id of the frame it answers (an error without one is about a frame the
    // SDK sent without an id, such as touch()'s ping: nothing waits for it).
    if (frame.type === 'ack' || frame.type === 'error') return this.answer(frame);
    if (frame.type === 'ready') {
      if (this.status === 'connecting') void this.onReady(att, frame);
      else this.emit('event', frame);
      return;
    }
    this.deliver(frame);
  }

  /** ready → resume (the first frame: the server holds live events until it) → connected → flush the outbox. */
  private async onReady(att: Attempt, frame: Extract<ServerEvent, { type: 'ready' }>): Promise<void> {
    const { data } = frame;
    this.userId = data.user_id;
    if (data.frame_budget) att.pacer = new FramePacer(data.frame_budget);
    for (const r of data.rooms) if (!this.seqs.has(r.room_id)) this.seqs.set(r.room_id, r.last_seq);
    this.emit('event', frame);
    try {
      const ack = await this.request<{ not_member?: string[] }>('resume', { rooms: Object.fromEntries(this.seqs) }, true);
      for (const id of ack.not_member ?? []) this.seqs.delete(id);
    } catch (err) {
      if (this.current === att) this.drop(att, `resume failed: ${(err as Error).message}`);
      return;
    }
    if (this.current !== att) return;
    clearTimeout(att.connectTimer);
    this.stats.connects++;
    if (this.stats.connects > 1) this.stats.reconnects++;
    this.failures = 0;
    this.setStatus('connected');
    this.startHeartbeat(att);
    void this.outbox.flush();
  }

  /** Room events at or below the last seq seen are duplicates (a replay overlapping live delivery): dropped. */
  private deliver(frame: ServerEvent): void {
    const roomId = frame.room_id;
    if (roomId !== undefined && typeof frame.seq === 'number') {
      const last = this.seqs.get(roomId);
      if (last !== undefined && frame.seq <= last) {
        this.stats.duplicatesDropped++;
        return;
      }
      this.seqs.set(roomId, frame.seq);
    }
    const leaving = frame.type === 'room_deleted' || (frame.type === 'user_left' && frame.data.user_id === this.userId);
    if (roomId !== undefined && leaving) this.seqs.delete(roomId);
    this.stats.events++;
    this.emit('event', frame);
  }

  private answer(frame: AnswerFrame): void {
    const id = frame.id;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (id === undefined || !p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (frame.type === 'ack') return p.resolve(frame.data);
    const e = frame.error ?? { code: 'internal', message: 'The server refused the frame.' };
    const status = (ERROR_STATUS as Record<string, number>)[e.code] ?? 0;
    p.reject(new RoomsApiError(status, e.code as RoomsApiError['code'], e.message, { details: e.details, retryAfter: e.retry_after }));
  }

  private startHeartbeat(att: Attempt): void {
    const hb = this.opts.heartbeat;
    if (!hb || !att.socket?.ping) return;
    att.heartbeat = setInterval(() => {
      if (att.awaitingPong) return this.drop(att, 'no answer to pings: the network seems down');
      att.awaitingPong = true;
      att.socket!.ping!();
    }, hb.intervalMs);
  }

  /** Gives up on a connection at once (no closing handshake) and handles it as closed. */
  private drop(att: Attempt, reason: string): void {
    att.socket?.terminate();
    this.closed(att, 1006, reason);
  }

  private closed(att: Attempt, code: number, reason: string): void {
    if (this.current !== att) return;
    this.current = undefined;
    clearTimeout(att.connectTimer);
    clearInterval(att.heartbeat);
    att.pacer?.stop();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RoomsApiError(0, 'disconnected', `The connection closed (${code}${reason ? `: ${reason}` : ''}).`));
    }
    this.pending.clear();
    const final = att.refused === 401 || FINAL.has(code);
    if (final) this.running = false;
    const willReconnect = this.running;
    this.setStatus('disconnected');
    const refusal = att.refused ? `the server refused the connection (HTTP ${att.refused})` : '';
    const retryInMs = willReconnect ? backoffDelay(this.failures++, this.backoff) : undefined;
    this.emit('closed', {
      code,
      reason: reason || refusal,
      willReconnect,
      ...(att.refused ? { httpStatus: att.refused } : {}),
      ...(retryInMs === undefined ? {} : { retryInMs }),
    });
    if (retryInMs === undefined)
      this.outbox.abandon(new RoomsApiError(0, 'connection_closed', `The live connection ended: ${reason || refusal || code}.`));
    else this.retryTimer = setTimeout(() => void this.connect(), retryInMs);
  }

  private setStatus(status: LiveStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }
}
