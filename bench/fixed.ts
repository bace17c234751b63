/**
 * `npm run bench:fixed -- --grid 100x10 --rate 1000 [--targets relay,rooms] [--rounds 3] [--seconds 5] [--profile]
 * [--sql-timing] [--perf] [--syscalls] [--verbose] [--node-flags="..."]`:
 * every target at one fixed offered rate, rounds interleaved target by target, printing server CPU
 * per message and per delivery. S1 asks "how far can it go"; this asks "what does a message cost"
 * at a load every target carries, which is the figure to compare before and after a change to the
 * hot path (a single S1 step passing or not is a coin toss near a target's limit).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LoadGen } from './lib/loadgen.ts';
import { countSyscalls, perfRunDir, requirePerf, summarizePerfDir } from './lib/perf.ts';
import { coreSplit, cpuMsByThread, disturbance, fileRefaults, machine, pin, schedulingWarning } from './lib/proc.ts';
import { sleep } from './scenarios/context.ts';
import { startTarget, type Target, type TargetName } from './targets/index.ts';

const { values } = parseArgs({
  options: {
    grid: { type: 'string', default: '100x10' },
    rate: { type: 'string', default: '1000' },
    targets: { type: 'string', default: 'relay,rooms' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    profile: { type: 'boolean', default: false },
    /** Rooms with SQL_TIMING: time per SQL statement, written to bench/results/sql-timing/<time>/. */
    'sql-timing': { type: 'boolean', default: false },
    /** Every server under Linux perf: CPU by binary and symbol, in bench/results/perf/<time>/. */
    perf: { type: 'boolean', default: false },
    /** Each round, the servers' main threads' system calls per message, by call (perf stat). */
    syscalls: { type: 'boolean', default: false },
    /** Echo the servers' output (their logs, and whatever --node-flags="--trace-gc" prints). */
    verbose: { type: 'boolean', default: false },
    /** Extra node flags for Rooms, space-separated (--node-flags="--max-semi-space-size=32"). */
    'node-flags': { type: 'string', default: '' },
  },
});
const [rooms, members] = values.grid.split(/[x×]/).map(Number) as [number, number];
const grid = { rooms, members };
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const names = values.targets.split(',') as TargetName[];
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const profileDir = values.profile ? join(import.meta.dirname, 'results', 'profiles', stamp) : undefined;
const sqlTimingDir = values['sql-timing'] ? join(import.meta.dirname, 'results', 'sql-timing', stamp) : undefined;
const perfDir = perfRunDir(values.perf, join(import.meta.dirname, 'results'), stamp);
if (values.syscalls) requirePerf('--syscalls');
const roomsFlags = values['node-flags'].split(' ').filter(Boolean);
// Every target's clients stay connected for the whole run (rounds interleave): one socket each.
const sockets = names.length * grid.rooms * grid.members;
const openFiles = Number(machine().openFiles);
if (openFiles > 0 && sockets + 100 > openFiles) {
  throw new Error(
    `${sockets} client sockets (${names.length} targets × ${grid.rooms * grid.members}) exceed this process's open-file limit of ${openFiles}: run fewer targets at once (--targets rooms)`,
  );
}
const cores = coreSplit();
if (cores) pin(process.pid, cores.load);
const schedWarning = schedulingWarning();
if (schedWarning) console.error(`warning: ${schedWarning}`);

/** Each target with its clients and the CPU µs per message of each of its rounds. */
const runs: { name: TargetName; target: Target; gen: LoadGen; perMessage: number[] }[] = [];
try {
  for (const name of names) {
    const target = await startTarget(name, {
      verbose: values.verbose,
      cores: cores?.server,
      sqlTimingDir,
      perfDir,
      nodeFlags:
        name === 'rooms' || name === 'bubble' ? [...roomsFlags, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])] : [],
    });
    const gen = new LoadGen(grid);
    // Listed before connecting, so that a failed connect still stops the server (finally, below).
    runs.push({ name, target, gen, perMessage: [] });
    gen.clients = await target.connect(grid, gen, { concurrency: 100 });
  }
  for (const { target, gen } of runs) await gen.run(target, { rate, seconds: 3, sendersPerRoom: 10, drainMs: 500 });
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const { name, target, gen, perMessage } of runs) {
      const threads0 = cpuMsByThread(target.pid);
      const [before, refaults0] = [disturbance(target.pid), fileRefaults()];
      // A server's main thread has the process's id.
      const syscalls = values.syscalls && target.pid !== undefined ? countSyscalls(target.pid) : undefined;
      const r = await gen.run(target, { rate, seconds, sendersPerRoom: 10, drainMs: 1000 });
      const calls = await syscalls?.stop();
      const threads = [...cpuMsByThread(target.pid)].map(([t, ms]) => [t, ms - (threads0.get(t) ?? 0)] as const).filter(([, ms]) => ms > 0);
      const usPerMsg = r.serverCpuMs === undefined ? NaN : (1000 * r.serverCpuMs) / r.acked;
      perMessage.push(usPerMsg);
      console.log(
        `round ${round} ${name.padEnd(8)} ${rate} msg/s on ${grid.rooms}×${grid.members}: ${usPerMsg.toFixed(0)} µs CPU per message, ${r.cpuMsPer1k?.toFixed(1)} ms per 1k deliveries, ` +
          `server ${r.serverCpuPct?.toFixed(0)} % (its loop delay p99 ${r.loopP99Ms?.toFixed(1) ?? '–'} / max ${r.loopMaxMs?.toFixed(1) ?? '–'} ms), p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, delivered ${(100 * r.deliveryRatio).toFixed(2)} %, ` +
          `ack p50 ${r.ack.p50.toFixed(1)} / p99 ${r.ack.p99.toFixed(1)} ms, load generator ${r.clientCpuPct.toFixed(0)} % (its loop delay p99 ${r.clientLoopP99Ms.toFixed(1)} / max ${r.clientLoopMaxMs.toFixed(1)} ms)`,
      );
      console.log(`  µs per message by thread: ${threads.map(([t, ms]) => `${t} ${((1000 * ms) / r.acked).toFixed(0)}`).join(', ')}`);
      if (calls)
        console.log(
          `  main thread's system calls per message: ${[...calls]
            .filter(([, n]) => n > 0)
            .sort((a, b) => b[1] - a[1])
            .map(([call, n]) => `${call} ${(n / r.acked).toFixed(1)}`)
            .join(', ')}`,
        );
      const after = disturbance(target.pid);
      const refaults = fileRefaults();
      if (before && after)
        console.log(
          `  disturbed: main thread preempted ${after.preempted - before.preempted} times, ${after.majorFaults - before.majorFaults} major page faults` +
            (refaults !== undefined && refaults0 !== undefined ? `; the machine refaulted ${refaults - refaults0} file pages` : ''),
        );
      await sleep(300);
    }
  }
} finally {
  for (const { target, gen } of runs) {
    for (const c of gen.clients) c.close();
    await target.stop();
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(runs[0]!.perMessage);
const baseRounds = runs[0]!.perMessage;
for (const [i, { name, perMessage: xs }] of runs.entries()) {
  // Each round's ratio to the first target's round just before it: the host's speed drifts over a
  // run (the relay read 1,056-1,825 µs a message within minutes), and a pair of neighbouring
  // rounds shares most of that drift where the two medians need not.
  const paired = xs.map((x, k) => x / baseRounds[k]!);
  console.log(
    `${name.padEnd(8)} median ${median(xs).toFixed(0)} µs per message (${xs.map((x) => x.toFixed(0)).join(', ')}); ${(median(xs) / base).toFixed(2)}× ${runs[0]!.name}` +
      (i === 0 ? '' : `; round by round ${paired.map((r) => r.toFixed(2)).join(', ')}: median ${median(paired).toFixed(2)}×`),
  );
}
if (perfDir) {
  summarizePerfDir(perfDir);
  console.log(`perf samples and summaries in ${perfDir}`);
}
if (sqlTimingDir) console.log(`SQL statement timing in ${sqlTimingDir}`);
if (profileDir) console.log(`profile in ${profileDir} (summary: node bench/lib/profile-summary.ts <file>)`);
