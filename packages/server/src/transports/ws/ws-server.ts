import { WS_LIMITS, type ReadyData } from '@rooms/protocol';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Actor } from '../../domain/actor.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { Services } from '../../services/index.ts';
import type { LiveSessions } from '../../services/realtime/live-session.ts';
import type { Clock } from '../../ports/clock.ts';
import { Connection, type ConnectionDeps, type SessionOptions } from './connection.ts';
import type { FrameBudget } from './frame-budget.ts';
import { frameHandlers } from './handlers.ts';
import { encodeFrame } from './frames.ts';
import { proxyTrust } from '../trusted-proxy.ts';
import { refuseUpgrade as refuse, type UpgradeRouter } from '../upgrades.ts';

export interface WsDeps {
  /** Where /ws is routed among the HTTP server's upgrades. */
  upgrades: UpgradeRouter;
  /** The live sessions every real-time transport opens its connections' sessions with. */
  live: LiveSessions;
  services: Services;
  clock: Clock;
  logger: Logger;
  /** Origins allowed besides the server's own; '*' allows any. */
  allowedOrigins: readonly string[];
  /** TRUST_PROXY: whose X-Forwarded-Proto says how the client reached us (see originAllowed). */
  trustProxy: boolean | number | string;
  maxBufferedBytes: number;
  /** TIME_OUT: how long a terminal session (`?client=terminal`) may send nothing before it is ended. */
  idleTimeoutMs: number;
  /** WS_FRAME_RATE and WS_FRAME_BURST: each connection's frame budget. */
  frameBudget: FrameBudget;
}

/**
 * How the client reached the server: over TLS here, or as a trusted proxy's X-Forwarded-Proto
 * says (its last entry, as Fastify reads it for REST).
 */
function requestScheme(req: IncomingMessage, trusted: (peer: string | undefined) => boolean): string {
  const forwarded = req.headers['x-forwarded-proto'];
  if (typeof forwarded === 'string' && forwarded && trusted(req.socket.remoteAddress))
    return forwarded.split(',').at(-1)!.trim().toLowerCase();
  return (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
}

/**
 * The host the client asked for: a trusted proxy's X-Forwarded-Host (the nearest hop's) when it
 * sends one, since a proxy may pass its own upstream name as Host; the Host header otherwise.
 */
function requestHost(req: IncomingMessage, trusted: (peer: string | undefined) => boolean): string | undefined {
  const forwarded = req.headers['x-forwarded-host'];
  if (typeof forwarded === 'string' && forwarded && trusted(req.socket.remoteAddress))
    return forwarded.split(',').at(-1)!.trim().toLowerCase();
  return req.headers.host;
}

/**
 * Same origin (Origin's scheme and host are the request's: an http page may not open the socket of
 * a server reached over https, nor the reverse), an allowed origin, or no Origin at all (not a browser).
 */
export function originAllowed(
  req: IncomingMessage,
  allowed: readonly string[],
  trusted: (peer: string | undefined) => boolean = () => false,
): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return url.host === requestHost(req, trusted) && url.protocol === `${requestScheme(req, trusted)}:`;
  } catch {
    return false;
  }
}

/**
 * The WebSocket endpoint /ws on the HTTP server: authenticates the handshake (Authorization
 * header, or token / one-time ticket in the query), refuses bad ones with a plain HTTP status
 * before upgrading, then hands each socket to a Connection.
 */
export function attachWebSocket(d: WsDeps) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: WS_LIMITS.maxFrameBytes });
  const handle = frameHandlers({ services: d.services, clock: d.clock });
  const connections = new Set<Connection>();
  const trusted = proxyTrust(d.trustProxy);

  async function authenticate(req: IncomingMessage, url: URL): Promise<Actor> {
    const ip = req.socket.remoteAddress ?? '';
    const header = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const ticket = url.searchParams.get('ticket');
    if (ticket) return d.services.accounts.redeemWsTicket(ticket, ip);
    const token = header ?? url.searchParams.get('token');
    if (!token) throw Object.assign(new Error('no credentials'), { code: 'unauthenticated' });
    return d.services.accounts.authenticate(token, ip);
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    if (!originAllowed(req, d.allowedOrigins, trusted))
      return refuse(socket, 403, 'forbidden', 'This origin may not open a WebSocket here.');
    let actor: Actor;
    try {
      actor = await authenticate(req, url);
    } catch (err) {
      const code = isDomainError(err) ? err.code : 'unauthenticated';
      return refuse(socket, 401, code, 'Authenticate with a valid token (Authorization header, ?token=) or a one-time ?ticket=.');
    }
    // Terminal clients say so: their sessions end after TIME_OUT without input, as the seed's did,
    // and they are told of every login and logout.
    const terminal = url.searchParams.get('client') === 'terminal';
    const session = { idleTimeoutMs: terminal ? d.idleTimeoutMs : undefined, sessionNotices: terminal };
    wss.handleUpgrade(req, socket, head, (ws) => void open(ws, actor, session));
  }

  // One deps object for every connection: per-connection copies cost memory on every idle socket.
  const connectionDeps: ConnectionDeps = {
    live: d.live,
    logger: d.logger,
    maxBufferedBytes: d.maxBufferedBytes,
    frameBudget: d.frameBudget,
    handle,
    onClose: (c) => void connections.delete(c),
  };

  async function open(ws: WebSocket, actor: Actor, session: SessionOptions): Promise<void> {
    const conn = new Connection(ws, actor, connectionDeps, session);
    connections.add(conn);
    const setup = conn.session.start((ready) =>
      // The budget, so that a client can pace itself (the SDK does) instead of being closed.
      conn.write(encodeFrame({ type: 'ready', data: { ...ready, frame_budget: d.frameBudget } satisfies ReadyData })),
    );
    // A client may send `resume` as soon as the socket opens: it must not run before the rooms are
    // followed here, or this setup would replace the resumed streams (losing or repeating events).
    conn.holdFramesUntil(setup);
    try {
      await setup;
      await conn.session.connected();
    } catch (err) {
      d.logger.error({ err }, 'websocket setup failed');
      conn.close(1011, 'setup failed');
    }
  }

  d.upgrades.route('/ws', onUpgrade);

  return {
    connections,
    /** Tells every client to reconnect elsewhere (1001) and stops accepting upgrades. */
    close(): void {
      d.upgrades.unroute('/ws');
      for (const c of [...connections]) c.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
