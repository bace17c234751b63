/**
 * S3 idle connections: each target alone, N members connected in rooms of 100 and then left idle.
 * RSS per connection is the growth of the server's RSS over its RSS before the first connection,
 * both read after a full GC (through the inspector) so every target is measured alike (the JS heap's
 * growth too, to tell JS objects from native memory); idle CPU is
 * the server's CPU time over a quiet window, as a % of one core.
 */
import { collectGarbage, memoryUsage } from '../lib/inspector.ts';
import { cpuMs, rssBytes } from '../lib/proc.ts';
import { startTarget, type TargetName } from '../targets/index.ts';
import type { Client, ClientEvents } from '../targets/types.ts';
import { freePort, sleep, targetOptions, type Ctx } from './context.ts';

export interface S3Level {
  connections: number;
  rssMb: number;
  rssPerConnKb: number;
  /** The part of it in V8's heap (JS objects), measured the same way: where a difference comes from. */
  heapPerConnKb?: number;
  idleCpuPct: number;
  connectSeconds: number;
  /** Sockets that closed while idle. */
  dropped: number;
}

export interface S3Result {
  baseRssMb: Record<string, number>;
  levels: Record<string, S3Level[]>;
}

const ROOM_SIZE = 100;

export async function runS3(ctx: Ctx, levels: number[]): Promise<S3Result> {
  const result: S3Result = { baseRssMb: {}, levels: {} };
  for (const name of ctx.targets) {
    const r = await runTarget(ctx, name, levels);
    result.baseRssMb[name] = r.base;
    result.levels[name] = r.levels;
  }
  return result;
}

async function runTarget(ctx: Ctx, name: TargetName, levels: number[]): Promise<{ base: number; levels: S3Level[] }> {
  const settleMs = ctx.quick ? 500 : 5000;
  const idleMs = ctx.quick ? 1000 : 10_000;
  let dropped = 0;
  const events: ClientEvents = { delivery() {}, ack() {}, refused() {}, closed: () => void dropped++ };
  const inspect = await freePort();
  const opts = targetOptions(ctx, name);
  const target = await startTarget(name, { ...opts, nodeFlags: [...opts.nodeFlags, `--inspect=127.0.0.1:${inspect}`] });
  const rssAfterGc = async () => {
    await collectGarbage(inspect);
    await sleep(500);
    return rssBytes(target.pid)!;
  };
  const clients: Client[] = [];
  try {
    await sleep(settleMs);
    const base = await rssAfterGc();
    const baseHeap = (await memoryUsage(inspect)).heapUsed;
    const out: S3Level[] = [];
    for (const n of levels) {
      const add = n - clients.length;
      const t0 = performance.now();
      // Grow in whole rooms of ROOM_SIZE; each batch is its own grid (Rooms: its own accounts and rooms).
      const batch = await target.connect({ rooms: Math.ceil(add / ROOM_SIZE), members: Math.min(ROOM_SIZE, add) }, events, {
        concurrency: 100,
        progress: (k) => k % 2500 === 0 && ctx.log(`S3 ${name}: ${clients.length + k} / ${n} connected`),
      });
      clients.push(...batch);
      const connectSeconds = (performance.now() - t0) / 1000;
      await sleep(settleMs);
      const cpu0 = cpuMs(target.pid)!;
      const w0 = performance.now();
      await sleep(idleMs);
      const idleCpuPct = (100 * (cpuMs(target.pid)! - cpu0)) / (performance.now() - w0);
      const rss = await rssAfterGc();
      const heap = (await memoryUsage(inspect)).heapUsed;
      const level = {
        connections: clients.length,
        rssMb: rss / 2 ** 20,
        rssPerConnKb: (rss - base) / 1024 / clients.length,
        heapPerConnKb: (heap - baseHeap) / 1024 / clients.length,
        idleCpuPct,
        connectSeconds,
        dropped,
      };
      out.push(level);
      ctx.log(
        `S3 ${name.padEnd(8)} ${level.connections} idle: RSS ${level.rssMb.toFixed(0)} MB, ${level.rssPerConnKb.toFixed(1)} KB/connection (JS heap ${level.heapPerConnKb.toFixed(1)}), idle CPU ${idleCpuPct.toFixed(1)} %, connected in ${connectSeconds.toFixed(1)} s`,
      );
    }
    return { base: base / 2 ** 20, levels: out };
  } finally {
    for (const c of clients) c.close();
    await sleep(500);
    await target.stop();
  }
}
