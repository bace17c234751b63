import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

/** A transport's WebSocket (or other) upgrade handler for the paths it owns. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void | Promise<void>;

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

/** Answers an upgrade request with a plain HTTP error (JSON body, as the REST API's) and closes it. */
export function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The one `upgrade` listener of the HTTP server: each real-time transport (/ws, the gateways) owns
 * a path, or a path prefix ending in '/', and any other path is refused with 404. One listener, not
 * one per transport, because a transport that refuses paths it does not know would refuse the
 * others' (and one that ignores them would leave the socket hanging).
 */
export class UpgradeRouter {
  private readonly exact = new Map<string, UpgradeHandler>();
  private readonly prefixes = new Map<string, UpgradeHandler>();
  private readonly listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  private readonly server: Server;
  private readonly logger: Logger;

  constructor(server: Server, logger: Logger) {
    this.server = server;
    this.logger = logger;
    this.listener = (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const handler = this.handlerFor(url.pathname);
      if (!handler) return refuseUpgrade(socket, 404, 'not_found', 'No such endpoint.');
      Promise.resolve()
        .then(() => handler(req, socket, head, url))
        .catch((err: unknown) => {
          this.logger.error({ err, path: url.pathname }, 'upgrade failed');
          socket.destroy();
        });
    };
    server.on('upgrade', this.listener);
  }

  /** Routes upgrades of `path` (exactly, or every path under it when it ends in '/') to handler. */
  route(path: string, handler: UpgradeHandler): void {
    (path.endsWith('/') ? this.prefixes : this.exact).set(path, handler);
  }

  /** Stops routing a path: its upgrades are refused from now on (a transport shutting down). */
  unroute(path: string): void {
    (path.endsWith('/') ? this.prefixes : this.exact).delete(path);
  }

  close(): void {
    this.server.off('upgrade', this.listener);
    this.exact.clear();
    this.prefixes.clear();
  }

  private handlerFor(pathname: string): UpgradeHandler | undefined {
    const exact = this.exact.get(pathname);
    if (exact) return exact;
    for (const [prefix, handler] of this.prefixes) if (pathname.startsWith(prefix)) return handler;
    return undefined;
  }
}
