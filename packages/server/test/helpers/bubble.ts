/* eslint-disable @typescript-eslint/no-explicit-any -- bubble's payloads are untyped JSON: tests assert on their shape. */
import { createRequire } from 'node:module';
import { io as ioV4 } from 'socket.io-client';
import type { Backend } from './services.ts';
import { serviceUrl } from './services.ts';
import { freshRedisPrefix } from './cluster.ts';

// socket.io-client 1.7.4 (the bubble app's own client, engine.io protocol 3) has no types.
const ioV1 = createRequire(import.meta.url)('socket.io-client-v1') as (url: string, opts: object) => any;

export type ClientKind = 'v1-websocket' | 'v1-polling' | 'v4-websocket' | 'v4-polling';
export const CLIENT_KINDS: ClientKind[] = ['v1-websocket', 'v1-polling', 'v4-websocket', 'v4-polling'];

export interface Received {
  event: string;
  data: any;
}

/** A bubble client (socket.io-client 1.x or 4.x) that records every event it receives. */
export class BubbleClient {
  readonly socket: any;
  readonly received: Received[] = [];
  private waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  private constructor(socket: any) {
    this.socket = socket;
  }

  static async connect(base: string, kind: ClientKind, token?: string): Promise<BubbleClient> {
    const url = token ? `${base}?bubble=${token}` : base;
    const transports = [kind.endsWith('polling') ? 'polling' : 'websocket'];
    const opts = { transports, forceNew: true, reconnection: false };
    const socket = kind.startsWith('v1') ? ioV1(url, { ...opts, multiplex: false }) : ioV4(url, opts);
    const c = new BubbleClient(socket);
    const record = (event: string, data: any) => {
      const r = { event, data };
      c.received.push(r);
      const w = c.waiters.find((x) => x.match(r));
      if (w) {
        c.waiters.splice(c.waiters.indexOf(w), 1);
        w.resolve(r);
      }
    };
    if (kind.startsWith('v1')) {
      // 1.x has no onAny: wrap its onevent.
      const onevent = socket.onevent;
      socket.onevent = function (packet: { data: unknown[] }) {
        record(packet.data[0] as string, packet.data[1]);
        onevent.call(this, packet);
      };
    } else socket.onAny(record);
    await c.next('my_id');
    return c;
  }

  get id(): string {
    return this.socket.id;
  }

  emit(event: string, data?: unknown): void {
    if (data === undefined) this.socket.emit(event);
    else this.socket.emit(event, data);
  }

  /** The next event of this name (matching), received from now on or already unclaimed. */
  next(event: string, match: (data: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
    const m = (r: Received) => r.event === event && match(r.data);
    const seen = this.received.find((r) => m(r) && !(r as { claimed?: boolean }).claimed);
    if (seen) {
      (seen as { claimed?: boolean }).claimed = true;
      return Promise.resolve(seen.data);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${event} within ${timeoutMs} ms; got ${this.received.map((r) => r.event).join(', ')}`)),
        timeoutMs,
      );
      this.waiters.push({
        match: m,
        resolve: (r) => {
          clearTimeout(timer);
          (r as { claimed?: boolean }).claimed = true;
          resolve(r.data);
        },
      });
    });
  }

  /** Emits and waits for the reply event, or a bubble_error (returned as { error }), whichever comes first. */
  request(event: string, data?: unknown, reply = event, timeoutMs = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${reply} nor bubble_error within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match: (r) => r.event === reply || r.event === 'bubble_error',
        resolve: (r) => {
          clearTimeout(timer);
          (r as { claimed?: boolean }).claimed = true;
          resolve(r.event === 'bubble_error' ? { error: r.data } : r.data);
        },
      });
      this.emit(event, data);
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Rooms' categories with bubble's among them (the README says to configure them so). */
export const BUBBLE_ROOM_CATEGORIES = 'general,rant,funny,nostalgia,relationship,advice,school';

/** The bubble gateway switched on; on PostgreSQL with Redis as well when TEST_REDIS_URL is set (scaled mode). */
export function bubbleConfig(backend: Backend): Record<string, unknown> {
  const redis = serviceUrl('TEST_REDIS_URL');
  return {
    BUBBLE_GATEWAY: 'true',
    ROOM_CATEGORIES: BUBBLE_ROOM_CATEGORIES,
    MESSAGE_RATE_LIMIT: 1000,
    ...(backend.name === 'postgres' && redis ? { REDIS_URL: redis, REDIS_PREFIX: freshRedisPrefix() } : {}),
  };
}
