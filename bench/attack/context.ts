/** What every attack scenario gets, and the helpers they share. */
import type { Row } from './report.ts';
import { limitsLabel, Target, type TargetOptions } from './target.ts';

export interface Ctx {
  target: TargetOptions;
  /** Length of the login and sign-up floods. */
  floodSeconds: number;
  /** kill -9 count of the crash scenario. */
  kills: number;
  /** Connections of the slow-client attack, and how long they are held. */
  slowClients: number;
  slowSeconds: number;
  log: (msg: string) => void;
}

export interface Scenario {
  id: string;
  title: string;
  run: (ctx: Ctx) => Promise<Row[]>;
}

/** Quiet GET /auth/me before an attack: long enough for a p99 of 150 samples at 50 Hz. */
export const QUIET_MS = 3000;

/** How long requests still in flight when a flood ends are waited for; later ones count as unanswered (TIMEOUT). */
export const DRAIN_MS = 30_000;

/** The time left until a flood's drain deadline, as a request timeout. */
export const untilDeadline = (floodEnd: number): number => Math.max(1000, floodEnd + DRAIN_MS - performance.now());

/** Runs fn against a fresh server with the default limits plus `extra`, and always stops it. */
export async function withTarget<T>(ctx: Ctx, extra: Record<string, string>, fn: (t: Target, limits: string) => Promise<T>): Promise<T> {
  const t = await Target.start(ctx.target, extra);
  try {
    return await fn(t, limitsLabel(extra));
  } finally {
    await t.stop();
  }
}

/** Percentile of a list of numbers (ms), 0 when empty. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}
