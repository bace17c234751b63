/**
 * S2 latency at a fixed load: half of the relay's saturation rate in the S1 grid (found again with
 * a short ladder when S1 did not run it), the same offered rate for every target, interleaved in
 * rounds so that background load on a shared machine hits them alike.
 */
import { mergeLatency, type Latency } from '../lib/hist.ts';
import { LoadGen, type StepResult } from '../lib/loadgen.ts';
import { startTarget, type Target, type TargetName } from '../targets/index.ts';
import type { Grid } from '../targets/types.ts';
import { sleep, targetOptions, type Ctx } from './context.ts';

export interface S2Result {
  grid: Grid;
  /** msgs/s offered to every target. */
  rate: number;
  relaySaturation: number;
  latency: Record<string, Latency>;
  steps: Record<string, StepResult[]>;
}

const SENDERS_PER_ROOM = 10;

export async function runS2(ctx: Ctx, grid: Grid, relaySaturation: number | undefined): Promise<S2Result> {
  const runs = new Map<TargetName, { target: Target; gen: LoadGen }>();
  try {
    for (const name of ctx.targets) {
      const target = await startTarget(name, targetOptions(ctx, name));
      const gen = new LoadGen(grid);
      runs.set(name, { target, gen });
      gen.clients = await target.connect(grid, gen);
    }
    await sleep(1000);
    const saturation = relaySaturation ?? (await findSaturation(ctx, runs.get('relay'), grid));
    const rate = saturation / 2;
    ctx.log(
      `S2 ${grid.rooms}×${grid.members}: relay saturates at ${Math.round(saturation)} msg/s; all targets at ${Math.round(rate)} msg/s`,
    );
    // Steady state is what S2 measures: each target first runs at the measured rate, unrecorded, so
    // that the first seconds at a new load (code being optimised, the heap growing to its working
    // size and its first full collection) fall outside the rounds. At a quarter of the rate for a
    // second, Rooms' first round still carried a 50-60 ms event-loop stall the later ones never did.
    for (const { target, gen } of runs.values())
      await gen.run(target, { rate, seconds: ctx.quick ? 1 : 3, sendersPerRoom: SENDERS_PER_ROOM, drainMs: 500 });
    const rounds = ctx.quick ? 1 : 3;
    const seconds = ctx.quick ? 3 : 8;
    const steps: Record<string, StepResult[]> = Object.fromEntries(ctx.targets.map((n) => [n, []]));
    for (let k = 0; k < rounds; k++) {
      for (const [name, { target, gen }] of runs) {
        const r = await gen.run(target, { rate, seconds, sendersPerRoom: SENDERS_PER_ROOM, drainMs: 3000 });
        steps[name]!.push(r);
        ctx.log(
          `S2 round ${k + 1} ${name.padEnd(8)} p50 ${r.latency.p50.toFixed(2)} ms  p99 ${r.latency.p99.toFixed(2)} ms  p99.9 ${r.latency.p999.toFixed(2)} ms  delivered ${(100 * r.deliveryRatio).toFixed(2)} %`,
        );
        await sleep(300);
      }
    }
    const latency = Object.fromEntries(Object.entries(steps).map(([n, s]) => [n, mergeLatency(s.map((x) => x.latencyHistogram))]));
    return { grid, rate, relaySaturation: saturation, latency, steps };
  } finally {
    for (const { target, gen } of runs.values()) {
      for (const c of gen.clients) c.close();
      await target.stop();
    }
  }
}

/** The relay's highest passing rate on a doubling ladder (S2 run alone). */
async function findSaturation(ctx: Ctx, run: { target: Target; gen: LoadGen } | undefined, grid: Grid): Promise<number> {
  if (!run) throw new Error('S2 needs the relay as a target');
  let best = 0;
  for (let deliveries = 5000; deliveries <= 2_000_000; deliveries *= 2) {
    const rate = deliveries / grid.members;
    const r = await run.gen.run(run.target, { rate, seconds: ctx.quick ? 1.5 : 3, sendersPerRoom: SENDERS_PER_ROOM, drainMs: 1000 });
    if (!r.passed) break;
    best = rate;
  }
  return best;
}
