/**
 * S2 latency at fixed loads: every target at the same offered rates, interleaved in rounds so that
 * background load on a shared machine hits them alike. The rates are fractions of the relay's
 * saturation in the S1 grid (found again with a short ladder when S1 did not run it), up to half
 * of it: issue 19 asks for Rooms' p50 and p99 within 2× the relay's at every rate up to there, so
 * a light load (where a fixed hold or a lone commit shows) counts as much as a heavy one.
 */
import { mergeLatency, type Latency } from '../lib/hist.ts';
import { LoadGen, type StepResult } from '../lib/loadgen.ts';
import { startTarget, type Target, type TargetName } from '../targets/index.ts';
import type { Grid } from '../targets/types.ts';
import { sleep, targetOptions, type Ctx } from './context.ts';

export interface S2Level {
  /** The fraction of the relay's saturation offered (absent from results written before S2 had levels: ½). */
  fraction?: number;
  /** msgs/s offered to every target. */
  rate: number;
  latency: Record<string, Latency>;
  steps: Record<string, StepResult[]>;
}

export interface S2Result extends S2Level {
  grid: Grid;
  relaySaturation: number;
  /** Every rate measured, lightest first; the last (half the saturation) is also this result's own (absent from results written before). */
  levels?: S2Level[];
}

/** The loads S2 measures, as fractions of the relay's saturation. */
export const S2_FRACTIONS = [1 / 8, 1 / 4, 1 / 2];

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
    ctx.log(`S2 ${grid.rooms}×${grid.members}: relay saturates at ${Math.round(saturation)} msg/s`);
    const levels: S2Level[] = [];
    for (const fraction of S2_FRACTIONS) levels.push(await runLevel(ctx, runs, fraction, saturation * fraction));
    const half = levels.at(-1)!;
    return { grid, relaySaturation: saturation, ...half, levels };
  } finally {
    for (const { target, gen } of runs.values()) {
      for (const c of gen.clients) c.close();
      await target.stop();
    }
  }
}

/** Every target at one offered rate: an unrecorded warm-up, then rounds interleaved target by target. */
async function runLevel(
  ctx: Ctx,
  runs: Map<TargetName, { target: Target; gen: LoadGen }>,
  fraction: number,
  rate: number,
): Promise<S2Level> {
  ctx.log(`S2: all targets at ${Math.round(rate)} msg/s (${fraction} of the relay's saturation)`);
  // Steady state is what S2 measures: each target first runs at the measured rate, unrecorded, so
  // that the first seconds at a new load (code being optimised, the heap growing to its working
  // size and its first full collection) fall outside the rounds. At a quarter of the rate for a
  // second, Rooms' first round still carried a 50-60 ms event-loop stall the later ones never did.
  for (const { target, gen } of runs.values())
    await gen.run(target, { rate, seconds: ctx.quick ? 1 : 2, sendersPerRoom: SENDERS_PER_ROOM, drainMs: 500 });
  const rounds = ctx.quick ? 1 : 2;
  const seconds = ctx.quick ? 3 : 6;
  const steps: Record<string, StepResult[]> = Object.fromEntries(ctx.targets.map((n) => [n, []]));
  for (let k = 0; k < rounds; k++) {
    for (const [name, { target, gen }] of runs) {
      const r = await gen.run(target, { rate, seconds, sendersPerRoom: SENDERS_PER_ROOM, drainMs: 3000 });
      steps[name]!.push(r);
      ctx.log(
        `S2 ${Math.round(rate)} msg/s round ${k + 1} ${name.padEnd(8)} p50 ${r.latency.p50.toFixed(2)} ms  p99 ${r.latency.p99.toFixed(2)} ms  p99.9 ${r.latency.p999.toFixed(2)} ms  delivered ${(100 * r.deliveryRatio).toFixed(2)} %  load-gen loop max ${r.clientLoopMaxMs.toFixed(1)} ms`,
      );
      await sleep(300);
    }
  }
  const latency = Object.fromEntries(Object.entries(steps).map(([n, s]) => [n, mergeLatency(s.map((x) => x.latencyHistogram))]));
  return { fraction, rate, latency, steps };
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
