/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped JSON on purpose: tests assert on their shape. */
import WebSocket from 'ws';

/** The path the namespace gateway listens on by default. */
export const NAMESPACE_PATH = '/compat/rooms';

/**
 * A client of the namespace protocol as the original app is one: a plain WebSocket that sends one
 * JSON text frame per request and reads one reply. Records every reply and how the socket closed.
 */
export class NamespaceClient {
  readonly ws: WebSocket;
  readonly replies: any[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private waiting: ((reply: any) => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const reply = JSON.parse(data.toString());
      this.replies.push(reply);
      this.waiting.shift()?.(reply);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a socket on the gateway's path of a server at base (http://host:port). */
  static async open(base: string, path = NAMESPACE_PATH): Promise<NamespaceClient> {
    const ws = new WebSocket(new URL(path, base.replace(/^http/, 'ws')), { perMessageDeflate: false });
    const c = new NamespaceClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })),
      );
      ws.once('error', reject);
    });
    return c;
  }

  /** Sends one frame (an object is sent as JSON text, a string as it is) and waits for its reply. */
  send(frame: unknown, timeoutMs = 10_000): Promise<any> {
    const reply = new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${String(JSON.stringify(frame)).slice(0, 200)}`)), timeoutMs);
      this.waiting.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
    return reply;
  }

  close(): void {
    this.ws.close();
  }
}

/** The account object every request carries. */
export const account = (username: string, password: string, email = `${username}@example.test`) => ({ email, username, password });
