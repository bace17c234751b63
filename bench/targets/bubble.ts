/**
 * Adapter for Rooms through its bubble gateway (BUBBLE_GATEWAY=true): the bubble app's Socket.IO
 * events, spoken over a raw ws socket (Engine.IO v4 framing, as the Socket.IO baseline (b)):
 * 0 open → 40 connect → 42["my_id",…]; the room's first member creates it (create_room), the others
 * join_room; 42["add_message",{roomId,message}] sends; every member, the sender too, receives
 * 42["add_message",{…,"sentByMe":…}] — bubble has no ack, so a sender's own copy (sentByMe true)
 * acks its oldest unacked send (a socket's requests run in order), and a bubble_error refuses it.
 * Persistence is on, as for Rooms: SQLite in a temporary DATA_DIR, or a fresh PostgreSQL database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_METRICS_TOKEN, freshDatabase, startServer, type ChildServer } from '../lib/server.ts';
import { scrapeLoopDelay } from './loop-metrics.ts';
import { BENCH_RATE_LIMIT, writeSqlTiming, type RoomsOptions } from './rooms.ts';
import type { ClientEvents, Grid, Target } from './types.ts';
import { connectAll, WsClient } from './ws-client.ts';

const C_0 = 0x30;
const C_2 = 0x32;
const C_4 = 0x34;
const EVENT = '42["'.length;
const SENT_BY_ME = Buffer.from('"sentByMe":true}');

class BubbleClient extends WsClient {
  roomId: string | undefined;
  private readonly base: string;
  private readonly token = randomUUID();
  /** Sends not acked yet, oldest first. */
  private readonly pending: number[] = [];
  private onRoom: ((roomId: string) => void) | undefined;

  constructor(base: string, room: number, member: number, events: ClientEvents) {
    super(room, member, events);
    this.base = base;
  }

  /** The room's first member: connects and creates the room; resolves with its id. */
  createRoom(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.onRoom = resolve;
      this.connect().catch(reject);
    });
  }

  protected url(): string {
    return `${this.base}/socket.io/?EIO=4&transport=websocket&bubble=${this.token}`;
  }

  protected opened(): void {}

  protected frame(data: Buffer): void {
    const eio = data[0];
    if (eio === C_2 && data.length === 1) return this.write('3');
    if (eio === C_0) return this.write('40');
    if (eio !== C_4 || data[1] !== C_2) return;
    const e = data[EVENT];
    if (e === 0x61 /* add_message */) {
      this.events.delivery(this, data);
      if (data.indexOf(SENT_BY_ME, data.length - 20) > 0) {
        const reqId = this.pending.shift();
        if (reqId !== undefined) this.events.ack(this, reqId);
      }
    } else if (e === 0x6d /* my_id */) {
      if (this.roomId) this.write(`42["join_room",{"roomId":"${this.roomId}"}]`);
      else this.write(`42["create_room",{"roomName":"bench ${this.room}","userLimit":100}]`);
    } else if (e === 0x6a /* join_room */ && data.subarray(EVENT, EVENT + 11).toString() === 'join_room",') {
      // The joiner's own answer (others' join notices carry no roomName).
      if (data.includes('"roomName"')) this.markReady();
    } else if (e === 0x63 /* create_room */) {
      this.roomId = /"roomId":"([0-9a-f-]{36})"/.exec(data.toString())![1]!;
      this.markReady();
      this.onRoom?.(this.roomId);
    } else if (e === 0x62 /* bubble_error */) {
      const reqId = this.pending.shift();
      if (reqId !== undefined) this.events.refused(this, reqId, /"code":"(\w+)"/.exec(data.toString())?.[1] ?? 'unknown');
    }
  }

  send(reqId: number, content: string): void {
    this.pending.push(reqId);
    this.write(`42["add_message",{"roomId":"${this.roomId}","message":"${content}"}]`);
  }
}

export async function startBubble(opts: RoomsOptions): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rooms-bench-bubble-'));
  const database = await freshDatabase(opts.postgresAdminUrl);
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: database?.url ?? '',
    JWT_SECRET: randomBytes(32).toString('hex'),
    BCRYPT_COST: '10',
    MESSAGE_RATE_LIMIT: String(BENCH_RATE_LIMIT),
    BUBBLE_GATEWAY: 'true',
    WEB_UI: 'false',
    SQL_TIMING: String(opts.sqlTimingDir !== undefined),
  };
  const launchOpts = {
    cores: opts.cores,
    nodeFlags: opts.nodeFlags,
    perfDir: opts.perfDir,
    verbose: opts.verbose ?? false,
    ...(opts.sqlTimingDir ? { capture: /"msg":"statement timing"/ } : {}),
  };
  const server: ChildServer = await startServer({ ...env, PORT: String(opts.port ?? 0) }, launchOpts);
  const ws = () => server.url.replace(/^http/, 'ws');
  return {
    name: 'bubble',
    get pid() {
      return server.pid;
    },
    get url() {
      return server.url;
    },
    async connect(grid: Grid, events: ClientEvents, c = {}) {
      // Each room's first member makes it (its creator, a guest); the others join it.
      const creators = Array.from({ length: grid.rooms }, (_, r) => new BubbleClient(ws(), r, 0, events));
      const roomIds = await Promise.all(creators.map((x) => x.createRoom()));
      const others = roomIds.flatMap((roomId, r) =>
        Array.from({ length: grid.members - 1 }, (_, i) => {
          const client = new BubbleClient(ws(), r, i + 1, events);
          client.roomId = roomId;
          return client;
        }),
      );
      await connectAll(others, c.concurrency ?? 50, c.progress);
      return creators.flatMap((creator, r) => [creator, ...others.slice(r * (grid.members - 1), (r + 1) * (grid.members - 1))]);
    },
    reconnect: () => Promise.reject(new Error('bubble clients do not resume')),
    loopDelay: () => scrapeLoopDelay(server.url, BENCH_METRICS_TOKEN),
    crashAndRestart: () => Promise.reject(new Error('not for the bubble target')),
    async stop() {
      await server.stop();
      if (opts.sqlTimingDir) writeSqlTiming(opts.sqlTimingDir, server);
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
