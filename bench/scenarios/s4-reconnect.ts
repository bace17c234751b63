/**
 * S4 reconnect storm: members chat at a steady open-loop rate; the server is killed (SIGKILL) and
 * started again on the same port and database; every client reconnects after a random delay
 * (jitter), retrying while the server is down. Rooms clients resume from the last seq they saw.
 * Counts every acked message each member missed (lost) or received twice, and the time from the
 * server being back to 99 % of clients resumed.
 */
import { LoadGen, type StepResult } from '../lib/loadgen.ts';
import { startTarget, type TargetName } from '../targets/index.ts';
import type { Client, Grid } from '../targets/types.ts';
import { freePort, sleep, targetOptions, type Ctx } from './context.ts';

export interface S4Result {
  grid: Grid;
  rate: number;
  jitterMs: number;
  downMs: number;
  byTarget: Record<
    string,
    {
      step: StepResult;
      reconnected: number;
      clients: number;
      resumedP50Ms: number;
      resumedP99Ms: number;
      resumedMaxMs: number;
      failedReconnects: number;
    }
  >;
}

const SENDERS_PER_ROOM = 10;

export async function runS4(ctx: Ctx, grid: Grid): Promise<S4Result> {
  const rate = ctx.quick ? 100 : 200;
  const jitterMs = ctx.quick ? 1000 : 3000;
  const downMs = 1000;
  const result: S4Result = { grid, rate, jitterMs, downMs, byTarget: {} };
  for (const name of ctx.targets) result.byTarget[name] = await runTarget(ctx, name, grid, rate, jitterMs, downMs);
  return result;
}

async function runTarget(
  ctx: Ctx,
  name: TargetName,
  grid: Grid,
  rate: number,
  jitterMs: number,
  downMs: number,
): Promise<S4Result['byTarget'][string]> {
  const target = await startTarget(name, targetOptions(ctx, name, await freePort()));
  const gen = new LoadGen(grid);
  try {
    gen.clients = await target.connect(grid, gen);
    await sleep(1000);
    await gen.run(target, { rate: rate / 2, seconds: 1, sendersPerRoom: SENDERS_PER_ROOM, drainMs: 500 }); // warm-up

    let readyAt: number | undefined;
    const resumedAt: number[] = [];
    let failedReconnects = 0;
    let attempts = 0;
    const reconnect = async (c: Client) => {
      await sleep(Math.random() * jitterMs);
      for (;;) {
        attempts++;
        try {
          await target.reconnect(c);
          resumedAt.push(performance.now());
          return;
        } catch {
          failedReconnects++;
          await sleep(250 + Math.random() * 250);
        }
      }
    };
    const pending: Promise<void>[] = [];
    let away = 0;
    gen.onClosed = (c) => {
      away++;
      pending.push(reconnect(c).finally(() => away--));
    };

    const crashAt = ctx.quick ? 1500 : 4000;
    const seconds = ctx.quick ? 6 : 15;
    let crash: Promise<void> | undefined;
    const step = await gen.run(target, {
      rate,
      seconds,
      sendersPerRoom: SENDERS_PER_ROOM,
      drainMs: 20_000,
      quietMs: 2000,
      settled: () => crash !== undefined && readyAt !== undefined && away === 0,
      during: (t) => {
        if (t >= crashAt && !crash) {
          ctx.log(`S4 ${name}: SIGKILL, back in ${downMs} ms`);
          crash = target.crashAndRestart(downMs).then((r) => void (readyAt = r.readyAt));
        }
      },
    });
    await crash;
    await Promise.all(pending);
    gen.onClosed = undefined;
    const since = resumedAt.map((t) => Math.max(0, t - (readyAt ?? t))).sort((a, b) => a - b);
    const q = (p: number) => since[Math.min(since.length - 1, Math.ceil(p * since.length) - 1)] ?? 0;
    const r = {
      step,
      reconnected: since.length,
      clients: gen.clients.length,
      resumedP50Ms: q(0.5),
      resumedP99Ms: q(0.99),
      resumedMaxMs: since.at(-1) ?? 0,
      failedReconnects,
    };
    ctx.log(
      `S4 ${name.padEnd(8)} ${r.reconnected}/${r.clients} back, 99 % within ${r.resumedP99Ms.toFixed(0)} ms of the restart; acked ${step.acked}, lost ${step.missing}, duplicates ${step.duplicates} (${attempts} attempts)`,
    );
    return r;
  } finally {
    for (const c of gen.clients) c.close();
    await target.stop();
  }
}
