/** The raw `ws` client every adapter builds on: compression off, frames handed over as Buffers. */
import WebSocket from 'ws';
import type { Client, ClientEvents } from './types.ts';

/**
 * One member's socket. Subclasses speak their protocol: what to send on open, how to read a frame,
 * and when the connection counts as ready (they call markReady).
 */
export abstract class WsClient implements Client {
  readonly room: number;
  readonly member: number;
  open = false;
  protected ws: WebSocket | undefined;
  protected readonly events: ClientEvents;
  private readyNow: (() => void) | undefined;

  constructor(room: number, member: number, events: ClientEvents) {
    this.room = room;
    this.member = member;
    this.events = events;
  }

  protected abstract url(): string;
  /** The socket opened; reconnect is true when this member was connected before. */
  protected abstract opened(reconnect: boolean): void;
  protected abstract frame(data: Buffer): void;
  abstract send(reqId: number, content: string): void;

  /** Opens the socket and resolves when the protocol says the member is in its room. */
  connect(reconnect = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url(), { perMessageDeflate: false });
      this.ws = ws;
      let settled = false;
      this.readyNow = () => {
        settled = true;
        this.open = true;
        resolve();
      };
      ws.on('open', () => this.opened(reconnect));
      ws.on('message', (data) => this.frame(data as Buffer));
      ws.on('error', (err) => {
        if (!settled) {
          settled = true;
          reject(err);
        }
      });
      ws.on('close', (code) => {
        const wasOpen = this.open;
        this.open = false;
        if (!settled) {
          settled = true;
          reject(new Error(`closed ${code} before ready`));
        } else if (wasOpen) this.events.closed(this, code);
      });
    });
  }

  protected markReady(): void {
    this.readyNow?.();
    this.readyNow = undefined;
  }

  protected write(text: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  close(): void {
    this.ws?.close();
  }

  terminate(): void {
    this.ws?.terminate();
  }
}

/** Reads the unsigned integer starting at byte i (up to the first non-digit). */
export function readUint(buf: Buffer, i: number): number {
  let n = 0;
  for (let c = buf[i]; c !== undefined && c >= 48 && c <= 57; c = buf[++i]) n = n * 10 + (c - 48);
  return n;
}

/** Opens clients with at most `concurrency` handshakes in flight. */
export async function connectAll<C extends WsClient>(clients: C[], concurrency: number, progress?: (n: number) => void): Promise<C[]> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, clients.length) }, async () => {
      while (next < clients.length) {
        const c = clients[next++]!;
        for (let attempt = 0; ; attempt++) {
          try {
            await c.connect();
            break;
          } catch (err) {
            if (attempt >= 5) throw err;
            await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
          }
        }
        progress?.(++done);
      }
    }),
  );
  return clients;
}
