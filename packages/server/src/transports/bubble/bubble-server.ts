import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { Actor } from '../../domain/actor.ts';
import type { LiveSessions } from '../../services/realtime/live-session.ts';
import type { Services } from '../../services/index.ts';
import type { HttpApp } from '../http/types.ts';
import type { FrameBudget } from '../ws/frame-budget.ts';
import type { UpgradeRouter } from '../upgrades.ts';
import { BubbleConnection, rememberRoomName, type ConnectionDeps } from './connection.ts';
import { fromServiceError } from './errors.ts';
import { bubbleHandlers, leaveRoom } from './handlers.ts';
import { presentRoom, type Payload } from './rooms.ts';
import { BubbleSockets } from './sockets.ts';

/** Where bubble's clients connect (socket.io's default path). */
export const BUBBLE_PATH = '/socket.io/';
/** bubble's identity token: `?bubble=<uuid>` (v1-v5, as the original checked). */
const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/**
 * The largest packet a client may send (socket.io's default): a bigger one closes the connection
 * (engine.io's rule); anything up to it is read and refused as bubble did (invalid_message...).
 */
const MAX_PACKET_BYTES = 1024 * 1024;
/** Packets a socket may have queued before replays wait for it. */
const MAX_QUEUED_PACKETS = 1000;

export interface BubbleDeps {
  http: HttpApp;
  upgrades: UpgradeRouter;
  live: LiveSessions;
  services: Services;
  logger: Logger;
  /** WS_FRAME_RATE and WS_FRAME_BURST: each socket's requests, as each /ws connection's frames. */
  frameBudget: FrameBudget;
  now(): Date;
}

interface EngineLike {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

/**
 * The engine.io server socket.io runs on, made here rather than by socket.io's attach(): attach
 * would add its own `upgrade` listener to the HTTP server (the UpgradeRouter is the only one) and
 * take over its `request` listener (Fastify's). engine.io is socket.io's own dependency, loaded
 * from where socket.io finds it so that the two always match.
 */
function makeEngine(): EngineLike {
  const requireFromSocketIo = createRequire(createRequire(import.meta.url).resolve('socket.io'));
  const { Server: Engine } = requireFromSocketIo('engine.io') as { Server: new (opts: object) => EngineLike };
  return new Engine({ path: BUBBLE_PATH, allowEIO3: true, maxHttpBufferSize: MAX_PACKET_BYTES, cors: undefined });
}

/**
 * The bubble gateway (GATEWAYS.md §1, issue 18): the 2016 bubble app's Socket.IO events on
 * /socket.io/ of the main port (engine.io 3 and 4 clients, websocket and polling). Each socket is a
 * guest account (its ?bubble= token, or a new one); every request goes to the same services as
 * REST and /ws, and every event of the guest's rooms comes through its live session.
 */
export function attachBubbleGateway(d: BubbleDeps) {
  const engine = makeEngine();
  const io = new Server({ path: BUBBLE_PATH, serveClient: false, connectTimeout: 10_000 });
  io.bind(engine);
  const sockets = new BubbleSockets<BubbleConnection>();
  let closing = false;
  const handlers = bubbleHandlers({ services: d.services, sockets, now: d.now });

  const deps: ConnectionDeps = {
    live: d.live,
    sockets,
    logger: d.logger,
    maxQueuedPackets: MAX_QUEUED_PACKETS,
    frameBudget: d.frameBudget,
    onCounsellorMatch(conn, roomId, userId) {
      // The counsellor's notification of a match: bubble told the counsellor's socket with the room.
      void (async () => {
        if (!(await d.services.counsellors.status(conn.userId)).counsellor) return;
        const room = await d.services.rooms.get(conn.actor, roomId);
        rememberRoomName(room.id, room.name);
        conn.socket.emit('find_counsellor', {
          userId: sockets.nameOf(userId),
          counsellorId: conn.userId,
          counsellorName: '',
          ...presentRoom(room, sockets),
        });
      })().catch((err: unknown) => d.logger.warn({ err }, 'bubble: telling a counsellor of a match failed'));
    },
  };

  // The guest is found (or made) before the socket counts as connected, so no request of its
  // arrives before there is someone to run it as.
  io.use((socket, next) => {
    const token = socket.handshake.query.bubble;
    const identity = `bubble:${typeof token === 'string' && TOKEN.test(token) ? token.toLowerCase() : randomUUID()}`;
    d.services.guests.getOrCreate(identity, { ip: socket.handshake.address }).then(
      ({ actor }) => {
        (socket.data as { actor?: Actor }).actor = actor;
        next();
      },
      (err: unknown) => next(err instanceof Error ? err : new Error('guest refused')),
    );
  });

  io.on('connection', (socket: Socket) => void open(socket));

  async function open(socket: Socket): Promise<void> {
    const actor = (socket.data as { actor: Actor }).actor;
    const conn = new BubbleConnection(socket, actor, deps);
    sockets.add(conn);
    socket.onAny((event: unknown, data: unknown) => {
      conn.session.touch();
      const handler = typeof event === 'string' && Object.hasOwn(handlers, event) ? handlers[event]! : undefined;
      if (!handler) return;
      // A flood is refused at receipt, before it queues or reaches a service.
      if (!conn.spend()) {
        socket.emit('bubble_error', { code: 'rate_limited', message: 'Too many requests: slow down.' });
        return;
      }
      const payload: Payload = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Payload) : {};
      conn.enqueue(() => run(conn, event as string, payload, () => handler(conn, payload)));
    });
    socket.on('disconnect', () => {
      conn.ended();
      sockets.remove(conn);
      // bubble's rooms were the socket's: when the identity's last socket here goes, it leaves them
      // (others hear exit_room, numUsers drops).
      // Not at shutdown: the store is closing, and the clients will be back on another node.
      if (!closing && sockets.ofUser(conn.userId).length === 0) void leaveAll(conn);
    });
    // Events held while the rooms are followed go out at once: bubble clients do not resume.
    const setup = conn.session.start(() => {}).then(() => conn.session.release());
    conn.enqueue(() => setup);
    socket.emit('my_id', actor.id);
    try {
      await setup;
      await conn.session.connected();
    } catch (err) {
      d.logger.error({ err }, 'bubble: socket setup failed');
      socket.disconnect(true);
    }
  }

  async function leaveAll(conn: BubbleConnection): Promise<void> {
    const mine = await d.services.rooms.listMine(conn.actor, { limit: 100 });
    for (const room of mine.items) {
      if (room.type === 'direct') continue;
      await leaveRoom(d.services, conn.actor, room.id).catch((err: unknown) =>
        d.logger.warn({ err, roomId: room.id }, 'bubble: leaving a room at disconnect failed'),
      );
    }
  }

  /** Runs one request; a refusal goes back as bubble_error, to the sender only. */
  async function run(conn: BubbleConnection, event: string, payload: Payload, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const roomId = typeof payload.roomId === 'string' ? payload.roomId : undefined;
      const refusal = fromServiceError(err, { roomId, userId: conn.id, bubbleId: conn.userId });
      if (refusal) {
        conn.socket.emit('bubble_error', { code: refusal.code, message: refusal.message });
        return;
      }
      d.logger.error({ err, event }, 'bubble: request failed');
      conn.socket.emit('bubble_error', { code: 'internal', message: 'Something went wrong on our side.' });
    }
  }

  // Polling (engine.io's HTTP requests) through Fastify, whose request listener owns the server;
  // in a scope of their own whose bodies Fastify leaves unread, for engine.io to read.
  void d.http.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    scope.route({
      method: ['GET', 'POST', 'OPTIONS'],
      url: BUBBLE_PATH,
      schema: { hide: true },
      handler: (req, reply) => {
        reply.hijack();
        engine.handleRequest(req.raw, reply.raw);
      },
    });
  });
  d.upgrades.route(BUBBLE_PATH, (req, socket, head) => engine.handleUpgrade(req, socket, head));

  return {
    io,
    sockets,
    /** Stops accepting bubble clients and disconnects those connected. */
    close(): void {
      closing = true;
      d.upgrades.unroute(BUBBLE_PATH);
      for (const c of [...sockets.all()]) c.socket.disconnect(true);
      engine.close();
    },
  };
}
