/** What the live connection hears from a socket. */
export interface SocketHandlers {
  open(): void;
  message(text: string): void;
  close(code: number, reason: string): void;
  /** The server refused the upgrade with this HTTP status (Node's ws only: browsers cannot see it). */
  refused?(status: number): void;
  /** Answer to a protocol-level ping. */
  pong?(): void;
}

/** One WebSocket, whatever the implementation. */
export interface LiveSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Drops the connection at once, without a closing handshake (a dead network never answers one). */
  terminate(): void;
  /** A protocol-level ping, when the implementation can send one (ws in Node); liveness checks use it. */
  ping?(): void;
}

export interface SocketFactory {
  /** Whether the handshake can carry an Authorization header (ws: yes; browsers: no, they use a ticket). */
  readonly headers: boolean;
  open(url: string, headers: Record<string, string>, on: SocketHandlers): LiveSocket;
}

/** The platform's WebSocket (browsers; Node 22+ has one too, without headers or pings). */
export const globalSockets: SocketFactory = {
  headers: false,
  open(url, _headers, on) {
    const Ctor = globalThis.WebSocket;
    if (!Ctor) throw new Error('No WebSocket here: pass a socket factory (in Node, import @rooms/client, which uses the ws package).');
    const ws = new Ctor(url);
    ws.onopen = () => on.open();
    ws.onmessage = (e) => on.message(typeof e.data === 'string' ? e.data : '');
    ws.onclose = (e) => on.close(e.code, e.reason);
    return { send: (t) => ws.send(t), close: (c, r) => ws.close(c, r), terminate: () => ws.close() };
  },
};

let fallback: SocketFactory = globalSockets;

/** The factory live connections use when given none (the Node entry point installs ws). */
export const defaultSockets = (): SocketFactory => fallback;
export function setDefaultSockets(f: SocketFactory): void {
  fallback = f;
}
