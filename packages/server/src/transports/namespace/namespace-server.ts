import { CLOSE_CODES, WS_LIMITS, type ServerLimits } from '@rooms/protocol';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Services } from '../../services/index.ts';
import type { UpgradeRouter } from '../upgrades.ts';
import { clientIpOf } from './client-ip.ts';
import { createContext, Early, type Reply } from './context.ts';
import { HANDLERS, isNamespace } from './handlers.ts';
import { precheck } from './precheck.ts';
import { R, resultOfError } from './results.ts';

export interface NamespaceGatewayDeps {
  upgrades: UpgradeRouter;
  services: Services;
  logger: Logger;
  /** NAMESPACE_GATEWAY_PATH: where the gateway's WebSocket is. */
  path: string;
  /** TRUST_PROXY: whose X-Forwarded-For names the client (see clientIpOf). */
  trustProxy: boolean | number | string;
  /** The server's configured limits (SPEC §12). */
  limits: ServerLimits;
}

/**
 * Requests one socket may have waiting behind the one being answered. Each is a password check
 * (bcrypt): a client that sends faster than it reads is closed rather than queued without end.
 */
const MAX_QUEUED = 16;

/**
 * The "namespace" gateway (GATEWAYS.md §2): the original Rooms app's clients, unchanged, on a
 * WebSocket path of the HTTP server. Each text frame is one request, answered by one frame, in
 * order; each is re-authenticated and runs one use case of the services. Frames are bounded as
 * on /ws (a larger one is closed with 1009).
 */
export function attachNamespaceGateway(d: NamespaceGatewayDeps) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: WS_LIMITS.maxFrameBytes });
  const sockets = new Set<WebSocket>();
  const clientIp = clientIpOf(d.trustProxy);

  /** One request's reply and whether the socket closes after it; never throws. */
  async function answer(text: string, ip: string): Promise<{ reply: Reply; close: boolean }> {
    const checked = precheck(text, isNamespace);
    if (checked.kind === 'refuse') return { reply: { result: checked.result }, close: checked.close };
    const { request } = checked;
    try {
      return { reply: await HANDLERS[request.namespace]!(createContext(d.services, request, ip, d.limits)), close: false };
    } catch (err) {
      if (err instanceof Early) return { reply: err.reply, close: false };
      const result = resultOfError(err);
      if (result !== undefined) return { reply: { result }, close: false };
      d.logger.error({ err, namespace: request.namespace }, 'namespace gateway request failed');
      return { reply: { result: R.serverError }, close: false };
    }
  }

  function open(ws: WebSocket, ip: string): void {
    sockets.add(ws);
    let queued = 0;
    let chain = Promise.resolve();
    ws.on('message', (data: RawData) => {
      if (++queued > MAX_QUEUED + 1) return ws.close(CLOSE_CODES.policyViolation, 'too many requests waiting');
      // Binary frames too: the original decoded whatever bytes came as JSON.
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
      chain = chain
        .then(async () => {
          const { reply, close } = await answer(text, ip);
          queued--;
          if (ws.readyState !== ws.OPEN) return;
          ws.send(JSON.stringify(reply));
          if (close) ws.close(1000);
        })
        // A failed write must not stop the requests behind it (nor go unhandled).
        .catch((err: unknown) => d.logger.warn({ err }, 'namespace gateway reply failed'));
    });
    ws.on('error', (err) => d.logger.debug({ err }, 'namespace gateway socket error'));
    ws.on('close', () => sockets.delete(ws));
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ip = clientIp(req);
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, ip));
  }

  d.upgrades.route(d.path, onUpgrade);

  return {
    sockets,
    /** Stops accepting upgrades and tells every client the server is going away (1001). */
    close(): void {
      d.upgrades.unroute(d.path);
      for (const ws of sockets) ws.close(CLOSE_CODES.goingAway, 'server shutting down');
      wss.close();
    },
  };
}
