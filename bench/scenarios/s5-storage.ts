/**
 * S5 storage: Rooms on SQLite and on PostgreSQL with a seeded history (10M messages in the full
 * run). History pages of 50 at depth 0, 10k and 1M (the deepest the seeded room allows) through
 * GET /rooms/:id/messages?before=, then send→ack latency at a steady rate on the same database.
 */
import { newHistogram, recordMs, summarize, type Latency } from '../lib/hist.ts';
import { LoadGen, type StepResult } from '../lib/loadgen.ts';
import { progressBar } from '../lib/progress.ts';
import { openDb, seedGrid, type Fixture } from '../lib/rooms-fixture.ts';
import { seedMessages } from '../lib/seed.ts';
import { startRooms } from '../targets/rooms.ts';
import { sleep, targetOptions, type Ctx } from './context.ts';

export interface S5Db {
  database: 'sqlite' | 'postgres';
  seeded: number;
  seedSeconds: number;
  deepRoomMessages: number;
  history: { depth: number; latency: Latency }[];
  sendRate: number;
  send: StepResult;
}

const DEPTHS = [0, 10_000, 1_000_000];
const PAGE = 50;
/** Page positions are drawn at random in [depth, depth + JITTER) so no page is always hot. */
const JITTER = 1000;

export async function runS5(ctx: Ctx): Promise<S5Db[]> {
  const out: S5Db[] = [];
  for (const database of ['sqlite', 'postgres'] as const) out.push(await runDb(ctx, database));
  return out;
}

/** Accounts and rooms, then `total` messages: half in room 0 (the deep one), the rest spread over the others. */
export async function seedHistory(
  databaseUrl: string | undefined,
  dataDir: string,
  secret: string,
  total: number,
): Promise<{ fixture: Fixture; deep: number; seconds: number }> {
  const { db, close } = openDb(databaseUrl, dataDir);
  try {
    const fixture = await seedGrid(db, secret, 'hist', 10, 10);
    const deep = Math.ceil(total / 2);
    const rest = total - deep;
    const others = fixture.rooms.length - 1;
    const plan = fixture.rooms.map((r, i) => ({
      id: r.id,
      senders: r.members.map((m) => ({ id: m.userId })),
      messages: i === 0 ? deep : Math.floor(rest / others) + (i <= rest % others ? 1 : 0),
    }));
    const t0 = performance.now();
    await seedMessages(
      db,
      databaseUrl ? 'postgres' : 'sqlite',
      plan,
      progressBar(`seeding ${databaseUrl ? 'PostgreSQL' : 'SQLite'}`, total),
    );
    return { fixture, deep, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await close();
  }
}

async function runDb(ctx: Ctx, database: 'sqlite' | 'postgres'): Promise<S5Db> {
  const target = await startRooms({
    ...targetOptions(ctx, 'rooms'),
    postgresAdminUrl: database === 'postgres' ? ctx.pgAdminUrl : undefined,
  });
  try {
    const { fixture, deep, seconds } = await seedHistory(target.databaseUrl, target.dataDir, target.secret, ctx.seedMessages);
    ctx.log(
      `S5 ${database}: ${ctx.seedMessages.toLocaleString('en')} messages seeded in ${seconds.toFixed(0)} s (${deep.toLocaleString('en')} in the deep room)`,
    );
    const base = target.url;
    const room = fixture.rooms[0]!;
    const token = room.members[1]!.token;
    const requests = ctx.quick ? 300 : 2000;
    const depths = DEPTHS.map((wanted) => Math.min(wanted, deep - JITTER - PAGE));
    const hists = depths.map(() => newHistogram());
    // Warm-up at every depth (JIT, caches), then the depths interleaved request by request, so a
    // burst of other work on the machine or a GC lands on all of them alike.
    await pages(base, room.id, token, deep, depths, ctx.quick ? 50 : 200, () => {});
    await pages(base, room.id, token, deep, depths, requests, (i, ms) => recordMs(hists[i]!, ms));
    const history: S5Db['history'] = depths.map((depth, i) => ({ depth, latency: summarize(hists[i]!) }));
    for (const { depth, latency } of history)
      ctx.log(`S5 ${database} history depth ${depth.toLocaleString('en')}: p50 ${latency.p50} ms, p99 ${latency.p99} ms`);
    const gen = new LoadGen({ rooms: 10, members: 10 });
    gen.clients = await target.connect({ rooms: 10, members: 10 }, gen);
    await sleep(500);
    const sendRate = 200;
    await gen.run(target, { rate: sendRate / 2, seconds: 1, sendersPerRoom: 10, drainMs: 1000 });
    const send = await gen.run(target, { rate: sendRate, seconds: ctx.quick ? 2 : 10, sendersPerRoom: 10, drainMs: 3000 });
    ctx.log(`S5 ${database} send→ack at ${sendRate} msg/s: p50 ${send.ack.p50} ms, p99 ${send.ack.p99} ms`);
    for (const c of gen.clients) c.close();
    return { database, seeded: ctx.seedMessages, seedSeconds: seconds, deepRoomMessages: deep, history, sendRate, send };
  } finally {
    await target.stop();
  }
}

/**
 * Closed loop, one request at a time (latency, not throughput): for each round, a page of 50 at
 * each depth, before a random seq in [depth, depth + JITTER) from the newest.
 */
async function pages(
  base: string,
  roomId: string,
  token: string,
  lastSeq: number,
  depths: number[],
  rounds: number,
  record: (depthIndex: number, ms: number) => void,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const [i, depth] of depths.entries()) {
      const before = lastSeq + 1 - depth - Math.floor(Math.random() * JITTER);
      const t = performance.now();
      const res = await fetch(`${base}/rooms/${roomId}/messages?limit=${PAGE}&before=${before}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { items?: unknown[] };
      if (res.status !== 200 || body.items?.length !== PAGE)
        throw new Error(`history page: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      record(i, performance.now() - t);
    }
  }
}
