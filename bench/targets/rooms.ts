/**
 * Adapter for Rooms, through its real API: session tokens on the WebSocket handshake, `ready`, a
 * `ping` as the first frame (which releases live events at once), `send_message` acked after
 * commit, `message_created` deliveries; a reconnect sends `resume` with the last seq seen as its
 * first frame. Persistence is on: SQLite in a temporary DATA_DIR, or a fresh PostgreSQL database.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatementTiming } from '../../packages/server/src/observability/statement-timings.ts';
import { openDb, seedGrid } from '../lib/rooms-fixture.ts';
import { BENCH_METRICS_TOKEN, freshDatabase, ROOMS_MAIN, ROOMS_NOINDEX_MAIN, startServer, type ChildServer } from '../lib/server.ts';
import { markdownTable, num } from '../report/format.ts';
import { scrapeLoopDelay } from './loop-metrics.ts';
import type { ClientEvents, Grid, Target, TargetOptions } from './types.ts';
import { connectAll, readUint, WsClient } from './ws-client.ts';

/** Messages one user may send per 10 s window: raised from the default 10 so senders are never refused. */
export const BENCH_RATE_LIMIT = 100_000;

const T = '{"type":"'.length;
const ACK_ID = '{"type":"ack","id":"'.length;
const ERROR_ID = '{"type":"error","id":"'.length;
const SEQ = Buffer.from('"seq":');

class RoomsClient extends WsClient {
  lastSeq = 0;
  private resuming = false;
  private readonly base: string;
  private readonly roomId: string;
  private readonly token: string;

  constructor(base: string, roomId: string, token: string, room: number, member: number, events: ClientEvents) {
    super(room, member, events);
    this.base = base;
    this.roomId = roomId;
    this.token = token;
  }

  protected url(): string {
    return `${this.base}/ws?token=${this.token}`;
  }

  protected opened(reconnect: boolean): void {
    this.resuming = reconnect;
    if (reconnect) this.write(`{"type":"resume","id":"r","data":{"rooms":{"${this.roomId}":${this.lastSeq}}}}`);
  }

  protected frame(data: Buffer): void {
    const kind = data[T];
    if (kind === 0x6d /* message_created */) {
      const at = data.indexOf(SEQ);
      if (at > 0 && at < 160) this.lastSeq = Math.max(this.lastSeq, readUint(data, at + SEQ.length));
      this.events.delivery(this, data);
    } else if (kind === 0x61 /* ack */) {
      const c = data[ACK_ID];
      if (c !== undefined && c >= 0x30 && c <= 0x39) this.events.ack(this, readUint(data, ACK_ID));
      else this.markReady();
    } else if (kind === 0x65 /* error */) {
      const code = /"code":"(\w+)"/.exec(data.toString())?.[1] ?? 'unknown';
      this.events.refused(this, readUint(data, ERROR_ID), code);
    } else if (data.subarray(0, 15).toString() === '{"type":"ready"') {
      if (this.resuming) return; // resume, sent first, answers for this room
      const ready = JSON.parse(data.toString()) as { data: { rooms: { room_id: string; last_seq: number }[] } };
      this.lastSeq = ready.data.rooms.find((r) => r.room_id === this.roomId)?.last_seq ?? 0;
      this.write('{"type":"ping","id":"p"}');
    }
  }

  send(reqId: number, content: string): void {
    this.write(`{"type":"send_message","id":"${reqId}","data":{"room_id":"${this.roomId}","content":"${content}"}}`);
  }
}

export interface RoomsOptions extends TargetOptions {
  /** An admin URL of a PostgreSQL server: run on a fresh database there; absent → SQLite. */
  postgresAdminUrl?: string | undefined;
  /** Echo the server's logs. */
  verbose?: boolean;
  /** Run with SQL_TIMING and write its per-statement totals here when the server stops. */
  sqlTimingDir?: string | undefined;
  /** false: the same server without search index writes (bench/rooms-noindex-server.ts), the target rooms-noindex. */
  searchIndex?: boolean;
  /**
   * Another checkout of Rooms to run instead of this one (the target rooms-b): an A/B of two
   * builds in one run, alternated step by step like any two targets, so the machine's drift falls
   * on both. Its schema must be this one's (the grid is seeded by this checkout's code).
   */
  checkout?: string;
}

/** The checkout the rooms-b target runs: ROOMS_B_DIR, e.g. a `git worktree` of another commit with node_modules linked (and ROOMS_B_NODE_FLAGS, Node's flags for it). */
export function roomsBDir(): string {
  const dir = process.env.ROOMS_B_DIR;
  if (!dir)
    throw new Error('the rooms-b target runs the checkout in ROOMS_B_DIR: set it (e.g. git worktree add --detach ../rooms-b <commit>)');
  return dir;
}

export async function startRooms(
  opts: RoomsOptions,
): Promise<Target & { dataDir: string; databaseUrl: string | undefined; secret: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rooms-bench-'));
  const database = await freshDatabase(opts.postgresAdminUrl);
  const secret = randomBytes(32).toString('hex');
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: database?.url ?? '',
    JWT_SECRET: secret,
    BCRYPT_COST: '10',
    MESSAGE_RATE_LIMIT: String(BENCH_RATE_LIMIT),
    SQL_TIMING: String(opts.sqlTimingDir !== undefined),
  };
  const launchOpts = {
    cores: opts.cores,
    // rooms-b may also differ by Node's flags alone (ROOMS_B_DIR the same checkout): ROOMS_B_NODE_FLAGS="--max-semi-space-size=32".
    nodeFlags: [...(opts.nodeFlags ?? []), ...(opts.checkout ? (process.env.ROOMS_B_NODE_FLAGS ?? '').split(' ').filter(Boolean) : [])],
    perfDir: opts.perfDir,
    verbose: opts.verbose ?? false,
    ...(opts.sqlTimingDir ? { capture: /"msg":"statement timing"/ } : {}),
  };
  const script = opts.checkout
    ? join(opts.checkout, 'packages/server/src/main.ts')
    : opts.searchIndex === false
      ? ROOMS_NOINDEX_MAIN
      : ROOMS_MAIN;
  let server: ChildServer = await startServer({ ...env, PORT: String(opts.port ?? 0) }, launchOpts, script);
  const port = Number(new URL(server.url).port);
  const ws = () => server.url.replace(/^http/, 'ws');
  let prefix = 0;
  return {
    name: opts.checkout ? 'rooms-b' : opts.searchIndex === false ? 'rooms-noindex' : 'rooms',
    dataDir,
    databaseUrl: database?.url,
    secret,
    get pid() {
      return server.pid;
    },
    get url() {
      return server.url;
    },
    async connect(grid: Grid, events: ClientEvents, c = {}) {
      const { db, close } = openDb(database?.url, dataDir);
      let fixture;
      try {
        fixture = await seedGrid(db, secret, `g${prefix++}`, grid.rooms, grid.members);
      } finally {
        await close();
      }
      const clients = fixture.rooms.flatMap((room, r) => room.members.map((m, i) => new RoomsClient(ws(), room.id, m.token, r, i, events)));
      return connectAll(clients, c.concurrency ?? 50, c.progress);
    },
    reconnect: (client) => (client as RoomsClient).connect(true),
    loopDelay: () => scrapeLoopDelay(server.url, BENCH_METRICS_TOKEN),
    async crashAndRestart(downMs) {
      await server.kill();
      await new Promise((r) => setTimeout(r, downMs));
      server = await startServer({ ...env, PORT: String(port) }, launchOpts, script);
      return { readyAt: performance.now() };
    },
    async stop() {
      await server.stop();
      if (opts.sqlTimingDir) writeSqlTiming(opts.sqlTimingDir, server);
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The server's per-statement totals (its "statement timing" log line at shutdown) as a Markdown table. */
export function writeSqlTiming(dir: string, server: ChildServer): void {
  const line = server.captured.at(-1);
  if (!line) return;
  const { statements } = JSON.parse(line) as { statements: StatementTiming[] };
  const rows = statements.map((s) => [
    `\`${s.sql.length > 120 ? `${s.sql.slice(0, 117)}...` : s.sql}\``,
    num(s.count),
    num(s.mean_us, 1),
    num(s.max_us),
    num(s.total_ms),
  ]);
  mkdirSync(dir, { recursive: true });
  const table = markdownTable({
    title: `SQL statements by total time (Rooms, pid ${server.pid})`,
    header: ['statement', 'runs', 'mean µs', 'max µs', 'total ms'],
    rows,
    notes: [],
  });
  writeFileSync(join(dir, `sql-timing-${server.pid}.md`), table);
}
