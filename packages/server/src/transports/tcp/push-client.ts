import { connect } from 'node:net';
import { encodeFrame } from './framing.ts';

/** How long one push may take (connect and write) before it is given up. */
export const PUSH_TIMEOUT_MS = 5000;
/** Pushes one client may have waiting: past it the client is not reading, and the session ends (a slow consumer). */
export const MAX_PENDING_PUSHES = 200;

/**
 * Opens a connection to the client's listening port, writes one frame and closes, as the seed's
 * server did for every push. Resolves whether the client took it (connected and the bytes left).
 */
export function pushFrame(host: string, port: number, value: unknown, timeoutMs = PUSH_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (ok) socket.end();
      else socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write(encodeFrame(value), (err) => finish(!err)));
  });
}

/**
 * One client's pushes, one connection after the other, in the order they were queued (the seed's
 * client handles each connection on a thread of its own: sending them one at a time keeps its
 * screen in order). Bounded: see MAX_PENDING_PUSHES.
 */
export class PushQueue {
  private pending = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly host: string;
  private readonly port: number;

  constructor(host: string, port: number) {
    this.host = host;
    this.port = port;
  }

  /** Whether another push may be queued now. */
  hasRoom(): boolean {
    return this.pending < MAX_PENDING_PUSHES;
  }

  /** Queues a push; resolves whether it reached the client. */
  push(value: unknown): Promise<boolean> {
    this.pending++;
    const sent = this.tail.then(() => pushFrame(this.host, this.port, value));
    this.tail = sent.finally(() => this.pending--);
    return sent;
  }
}
