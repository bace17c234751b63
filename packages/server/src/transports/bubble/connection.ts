import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import * as ws from 'ws';
import type { Actor } from '../../domain/actor.ts';
import type { EncodedEvent } from '../../realtime/encoded-event.ts';
import type { LiveSession, LiveSessions, LiveSink } from '../../services/realtime/live-session.ts';
import { spend, type Bucket, type FrameBudget } from '../ws/frame-budget.ts';
import { backlog, writeFrame } from '../ws/write-batching.ts';
import { decode, sharedPacketOf, translate, type Decoded, type Recipient } from './outgoing.ts';
import type { BubbleSockets, Registered } from './sockets.ts';

export interface ConnectionDeps {
  live: LiveSessions;
  sockets: BubbleSockets<BubbleConnection>;
  logger: Pick<Logger, 'warn' | 'error'>;
  /** What one socket may send (WS_FRAME_RATE, WS_FRAME_BURST, as on /ws). */
  frameBudget: FrameBudget;
  /** Packets an engine.io socket may have queued before live events wait (replays) or it is dropped. */
  maxQueuedPackets: number;
  /** A counsellor was matched with someone (their notification): tell this socket as bubble did. */
  onCounsellorMatch(conn: BubbleConnection, roomId: string, userId: string): void;
}

/**
 * A Socket.IO event packet ('2["event",payload]') and its WebSocket frame ('4' + packet, engine.io's
 * message): built once per event and variant for every recipient, as socket.io's own broadcasts do
 * (websocket clients get the frame as it is; polling clients the text).
 */
interface Packet {
  text: string;
  frame: Buffer[];
  /** The frame as one buffer, for a direct write (see send). */
  wire: Buffer;
}

/**
 * An event as bubble's sockets see it, worked out by its first recipient and shared by the others
 * (the hub hands every session the same EncodedEvent): one lookup per delivery.
 */
interface Outgoing {
  ev: Decoded;
  /** Every recipient but the subject's sockets gets the same packet (see sharedPacketOf). */
  shared: boolean;
  subject: string | undefined;
  /** That packet, built by the first recipient that needs it; null when it says nothing to them. */
  others: Packet | null | undefined;
}
const outgoing = new WeakMap<EncodedEvent, Outgoing>();

function outgoingOf(event: EncodedEvent): Outgoing {
  let o = outgoing.get(event);
  if (o === undefined) {
    const ev = decode(event);
    const shared = sharedPacketOf(ev);
    o = { ev, shared: shared !== undefined, subject: shared?.subject, others: undefined };
    outgoing.set(event, o);
  }
  return o;
}

function encodePacket(out: readonly [string, unknown]): Packet {
  const text = `2${JSON.stringify(out)}`;
  const frame = (ws as unknown as { Sender: { frame(data: Buffer, o: object): Buffer[] } }).Sender.frame(Buffer.from(`4${text}`), {
    readOnly: false,
    mask: false,
    rsv1: false,
    opcode: 1,
    fin: true,
  });
  return { text, frame, wire: Buffer.concat(frame) };
}

/** What a websocket-transport engine.io socket holds: ws's socket, and whether it may write now. */
interface EngineTransport {
  name: string;
  writable: boolean;
  socket?: ws.WebSocket;
}

/** The engine.io connection under a socket.io socket (the same one for the socket's life; its transport changes on upgrade). */
interface EngineConnection {
  readyState: string;
  writeBuffer: unknown[];
  transport: EngineTransport;
  write(text: string, o: object): void;
}

/** Bytes a websocket client may be behind before replays wait for it (as the queue bound for polling). */
const MAX_BACKLOG_BYTES = 1024 * 1024;

/** Room names this node has seen, for add_message's roomName (events carry the room id only). */
export const roomNames = new Map<string, string>();
const ROOM_NAMES_MAX = 50_000;

export function rememberRoomName(roomId: string, name: string): void {
  if (roomNames.size >= ROOM_NAMES_MAX && !roomNames.has(roomId)) roomNames.delete(roomNames.keys().next().value!);
  roomNames.set(roomId, name);
}

/**
 * One bubble socket: its guest user's live session (every event of the user's rooms, once, in
 * order) translated into bubble's events (outgoing.ts), and its requests run one at a time, in
 * the order they came, as the original's single-threaded handlers effectively did.
 */
export class BubbleConnection implements LiveSink, Recipient, Registered, Bucket {
  readonly socket: Socket;
  /** The request budget's bucket (WS_FRAME_RATE / WS_FRAME_BURST, as /ws): full at connect. */
  tokens: number;
  refilledAt = Date.now();
  readonly actor: Actor;
  readonly session: LiveSession;
  /** Sends so far: makes each message's client_id unique (origin.ts). */
  sends = 0;
  private readonly d: ConnectionDeps;
  private readonly engine: EngineConnection;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(socket: Socket, actor: Actor, deps: ConnectionDeps) {
    this.socket = socket;
    this.engine = socket.conn as unknown as EngineConnection;
    this.actor = actor;
    this.d = deps;
    this.tokens = deps.frameBudget.burst;
    this.session = deps.live.open(actor, this);
  }

  get id(): string {
    return this.socket.id;
  }

  get userId(): string {
    return this.actor.id;
  }

  roomName(roomId: string): string {
    return roomNames.get(roomId) ?? '';
  }

  /** Takes one request from the budget: false when it is spent (the request is refused, not run). */
  spend(): boolean {
    return spend(this, 1, this.d.frameBudget, Date.now());
  }

  /** Runs a request after the ones before it (their order is the client's). */
  enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work, work);
  }

  /**
   * LiveSink: the event in bubble's terms, if it means something to bubble. The Socket.IO packet
   * that all recipients but the event's subject share is encoded once per event (see
   * sharedPacketOf) and written to each socket's engine.io connection as socket.emit would write
   * it: a room's members do not each re-encode it. This runs once per recipient of every event:
   * one lookup, a comparison and a write.
   */
  send(event: EncodedEvent): void {
    if (this.closed) return;
    const o = outgoingOf(event);
    if (o.shared && o.subject !== this.actor.id) {
      let packet = o.others;
      if (packet === undefined) {
        const out = translate(o.ev, this, this.d.sockets);
        packet = o.others = out ? encodePacket(out) : null;
      }
      if (packet !== null) this.write(packet);
      return;
    }
    const out = translate(o.ev, this, this.d.sockets);
    if (out) this.write(encodePacket(out));
    else this.sideEffects(o.ev);
  }

  /**
   * Writes a packet. A websocket client with nothing queued in engine.io: the frame goes straight
   * to its socket, corked with the rest of this turn's frames for it (as /ws writes), one write
   * per socket per turn instead of one per event. engine.io's queue holds a packet only while an
   * earlier write of its own is unfinished: then this one waits behind it, in order.
   */
  private write(packet: Packet): void {
    const conn = this.engine;
    if (conn.readyState !== 'open') return;
    const t = conn.transport;
    if (t.writable && conn.writeBuffer.length === 0 && t.socket !== undefined && t.name === 'websocket') writeFrame(t.socket, packet.wire);
    else conn.write(packet.text, { wsPreEncodedFrame: packet.frame });
  }

  /** What an event that says nothing to bubble's clients still tells the gateway. */
  private sideEffects(ev: Decoded): void {
    if (ev.type === 'room_updated') rememberRoomName(ev.data.room.id, ev.data.room.name);
    else if (
      ev.type === 'notification' &&
      ev.data.room_id &&
      ev.data.actor &&
      (ev.data.payload as { counsellor_match?: unknown } | null)?.counsellor_match === true
    ) {
      this.d.onCounsellorMatch(this, ev.data.room_id, ev.data.actor.id);
    }
  }

  /** LiveSink: replays wait while the socket's queue is long. */
  hasRoom(): boolean {
    const conn = this.engine;
    const socket = conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
    return !this.closed && conn.writeBuffer.length < this.d.maxQueuedPackets && (!socket || backlog(socket) < MAX_BACKLOG_BYTES);
  }

  /** LiveSink: the session was revoked (the guest account closed by an admin). */
  close(_code: number, _reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.disconnect(true);
  }

  /** The socket is gone: no more events. */
  ended(): void {
    this.closed = true;
    this.session.end();
  }
}
