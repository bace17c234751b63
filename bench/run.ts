/**
 * `npm run bench [-- --quick]`: Rooms next to (a) a bare ws relay and (b) Socket.IO 4, driven by
 * the same open-loop generator, through scenarios S1–S5 (see bench/README.md). Prints a table per
 * scenario and writes JSON, a Markdown report and SVG charts to bench/results/; a complete full
 * run also rewrites BENCHMARKS.md. Options:
 *   --quick              under 5 minutes: short steps, fewer rounds, 200k seeded messages
 *   --only S1,S4         run some scenarios
 *   --targets relay,rooms   (rooms-noindex: Rooms without search index writes; with rooms too, S1 prints
 *                        the index's cost: max msgs/s with ÷ without, issue 17's goal ≥ 0.85×;
 *                        rooms-b: the checkout in ROOMS_B_DIR, for an A/B of two builds in one run)
 *   --grids 10x100,2x500 S1 grids (default: 10×100, 2×500, 100×10; full adds 1000×10, 100×100, 10×1000)
 *   --messages 10000000  S5 seed size
 *   --rooms-db postgres  Rooms on PostgreSQL in S1–S4 (a fresh database at BENCH_DATABASE_URL's server)
 *   --profile            run Rooms with --cpu-prof; profiles and their summaries in bench/results/profiles
 *   --sql-timing         run Rooms with SQL_TIMING: time per SQL statement, in bench/results/sql-timing
 *   --perf               sample every server with Linux perf (CPU by binary: V8, kernel, SQLite), in bench/results/perf
 *   --benchmarks         write BENCHMARKS.md from this run even if it is a quick one
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { perfRunDir, summarizePerfDir } from './lib/perf.ts';
import { summarizeProfile } from './lib/profile-summary.ts';
import { coreSplit, loadAvg, machine, pin, schedulingWarning } from './lib/proc.ts';
import { markdownTable } from './report/format.ts';
import { searchIndexCost } from './report/tables.ts';
import { writeBenchmarksMd, writeResults } from './report/markdown.ts';
import type { Results } from './report/results.ts';
import type { Ctx } from './scenarios/context.ts';
import { runS1 } from './scenarios/s1-fanout.ts';
import { runS2 } from './scenarios/s2-latency.ts';
import { runS3 } from './scenarios/s3-idle.ts';
import { runS4 } from './scenarios/s4-reconnect.ts';
import { runS5 } from './scenarios/s5-storage.ts';
import { BENCH_RATE_LIMIT } from './targets/rooms.ts';
import type { Grid, TargetName } from './targets/types.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'S1,S2,S3,S4,S5' },
    targets: { type: 'string', default: 'relay,relay-batched,socketio,rooms' },
    grids: { type: 'string' },
    messages: { type: 'string' },
    'rooms-db': { type: 'string', default: 'sqlite' },
    profile: { type: 'boolean', default: false },
    'sql-timing': { type: 'boolean', default: false },
    perf: { type: 'boolean', default: false },
    benchmarks: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const only = new Set(values.only.toUpperCase().split(','));
const resultsDir = join(import.meta.dirname, 'results');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const profileDir = values.profile ? join(resultsDir, 'profiles', stamp) : undefined;
const sqlTimingDir = values['sql-timing'] ? join(resultsDir, 'sql-timing', stamp) : undefined;
const perfDir = perfRunDir(values.perf, resultsDir, stamp);
const parseGrid = (s: string): Grid => {
  const [rooms, members] = s.split(/[x×]/).map(Number);
  return { rooms: rooms!, members: members! };
};
const grids = values.grids
  ? values.grids.split(',').map(parseGrid)
  : ['10x100', '2x500', '100x10', ...(quick ? [] : ['1000x10', '100x100', '10x1000'])].map(parseGrid);

const cores = coreSplit();
if (cores) pin(process.pid, cores.load);
const started = new Date();
const t0 = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const ctx: Ctx = {
  quick,
  targets: values.targets.split(',') as TargetName[],
  cores,
  profileDir,
  sqlTimingDir,
  perfDir,
  pgAdminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  roomsOnPostgres: values['rooms-db'] === 'postgres',
  seedMessages: Number(values.messages ?? (quick ? 200_000 : 10_000_000)),
  log,
};
const results: Results = {
  mode: quick ? 'quick' : 'full',
  startedAt: started.toISOString(),
  seconds: 0,
  machine: machine(),
  settings: {
    targets: ctx.targets,
    pinning: cores
      ? `servers pinned to core ${cores.server}, load generator to core ${cores.load} (taskset); PostgreSQL unpinned`
      : 'no pinning (taskset or a second core missing)',
    rateLimit: BENCH_RATE_LIMIT,
    addons: "bufferutil and utf-8-validate (Socket.IO's recommended ws add-ons) are installed, so ws uses them in every target.",
    roomsDatabase: `${values['rooms-db'] === 'postgres' ? 'PostgreSQL (a fresh database)' : 'SQLite in a temporary DATA_DIR (the one-node default)'} for S1–S4, SQLite and PostgreSQL in S5`,
    loadAvgStart: loadAvg(),
    loadAvgEnd: 0,
  },
  errors: {},
};

log(`${results.mode} run: ${ctx.targets.join(', ')}; ${results.settings.pinning}; scenarios ${[...only].join(', ')}`);
const schedWarning = schedulingWarning();
if (schedWarning) log(`warning: ${schedWarning}`);
const scenario = async (name: string, fn: () => Promise<void>) => {
  if (!only.has(name)) return;
  try {
    await fn();
  } catch (err) {
    results.errors[name] = err instanceof Error ? err.message : String(err);
    log(`${name} failed: ${results.errors[name]}`);
  }
};
await scenario('S1', async () => void (results.s1 = await runS1(ctx, grids)));
await scenario('S2', async () => {
  const grid = { rooms: 10, members: 100 };
  const s1 = results.s1?.find((g) => g.grid.rooms === grid.rooms && g.grid.members === grid.members)?.best.relay?.rate;
  // BENCH_S2_SATURATION: the relay's saturation to take instead of measuring it (to compare runs at the same rates).
  const given = Number(process.env.BENCH_S2_SATURATION) || undefined;
  results.s2 = await runS2(ctx, grid, given ?? s1);
});
await scenario(
  'S3',
  async () => void (results.s3 = await runS3(ctx, (process.env.BENCH_S3_LEVELS ?? '5000,15000').split(',').map(Number))),
);
await scenario('S4', async () => void (results.s4 = await runS4(ctx, quick ? { rooms: 10, members: 100 } : { rooms: 50, members: 100 })));
await scenario('S5', async () => void (results.s5 = await runS5({ ...ctx, targets: ['rooms'] })));

results.seconds = (performance.now() - t0) / 1000;
results.settings.loadAvgEnd = loadAvg();
const { json, md, report } = writeResults(results, resultsDir);
console.log(`\n${report.tables.map(markdownTable).join('\n')}`);
console.log(
  markdownTable({
    title: 'Goals from issue 6',
    header: ['scenario', 'goal', 'measured', 'result'],
    rows: report.goals.map((g) => [g.scenario, g.goal, g.measured, g.met === undefined ? 'n/a' : g.met ? '✓' : '✗']),
    notes: [],
  }),
);
// Issue 17: the search index's cost on the send path, when S1 ran Rooms with and without it.
for (const g of results.s1 ?? []) {
  const cost = searchIndexCost(g);
  if (cost) console.log(cost.line);
}
if (profileDir) {
  for (const f of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')))
    writeFileSync(join(profileDir, `${f}.txt`), summarizeProfile(join(profileDir, f), 40));
  log(`profiles and summaries in ${profileDir}`);
}
if (sqlTimingDir) log(`SQL statement timing in ${sqlTimingDir}`);
if (perfDir) {
  summarizePerfDir(perfDir);
  log(`perf samples and summaries in ${perfDir}`);
}
// BENCHMARKS.md keeps complete full runs only (or any run, when asked).
const complete = only.size === 5 && ctx.targets.length === 3 && !values.grids && Object.keys(results.errors).length === 0;
if ((!quick && complete) || values.benchmarks) {
  writeBenchmarksMd(results, report, join(import.meta.dirname, '..', 'BENCHMARKS.md'));
  log('BENCHMARKS.md written');
}
log(`done in ${(results.seconds / 60).toFixed(1)} min: ${md}, ${json}`);
