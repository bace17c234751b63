/** What every scenario gets from the run: mode, cores, targets, logging. */
import { createServer } from 'node:net';
import type { RoomsOptions } from '../targets/rooms.ts';
import type { TargetName } from '../targets/types.ts';

export interface Ctx {
  quick: boolean;
  targets: TargetName[];
  cores: { server: string; load: string } | undefined;
  /** Run Rooms with --cpu-prof (profiles land in bench/results/profiles). */
  profileDir: string | undefined;
  /** Run Rooms with SQL_TIMING; each server's per-statement totals land here. */
  sqlTimingDir: string | undefined;
  /** Sample every server with perf (--perf); data and summaries land here. */
  perfDir: string | undefined;
  /** PostgreSQL admin URL (S5 runs Rooms on PostgreSQL too). */
  pgAdminUrl: string;
  /** Run Rooms on PostgreSQL in S1–S4 too (default: SQLite, the one-node default). */
  roomsOnPostgres: boolean;
  /** Messages S5 seeds. */
  seedMessages: number;
  log: (line: string) => void;
}

/** Options for starting a target: pinned to the server cores, profiled if asked (Rooms only). */
export function targetOptions(ctx: Ctx, name: TargetName, port?: number): RoomsOptions {
  const rooms = name === 'rooms' || name === 'rooms-noindex' || name === 'rooms-b';
  const nodeFlags = ctx.profileDir && (rooms || name === 'bubble') ? ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`] : [];
  return {
    cores: ctx.cores?.server,
    nodeFlags,
    ...(port ? { port } : {}),
    postgresAdminUrl: ctx.roomsOnPostgres ? ctx.pgAdminUrl : undefined,
    sqlTimingDir: rooms ? ctx.sqlTimingDir : undefined,
    perfDir: ctx.perfDir,
  };
}

/** A TCP port free right now (to restart a server on the same address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
