/**
 * Linux perf, sampling a server on the CPU clock (software event: it works on virtual machines
 * without hardware counters): where the process's CPU time goes by binary (V8 and Node, JIT code,
 * the kernel's syscalls, SQLite) and by symbol, which --cpu-prof cannot show, since it sees only
 * JavaScript frames and counts time blocked in a syscall as the caller's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function perfAvailable(): boolean {
  return spawnSync('perf', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Refuses an option that needs perf on a machine without it. */
export function requirePerf(option: string): void {
  if (!perfAvailable()) throw new Error(`${option} needs Linux perf (Debian: apt-get install linux-perf)`);
}

/** The directory a run with --perf records into (created), or undefined without --perf; refuses without perf. */
export function perfRunDir(wanted: boolean | undefined, resultsDir: string, stamp: string): string | undefined {
  if (!wanted) return undefined;
  requirePerf('--perf');
  const dir = join(resultsDir, 'perf', stamp);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Summarises every recording of a run's directory (see summarizePerf). */
export function summarizePerfDir(dir: string): void {
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.perf'))) summarizePerf(join(dir, f));
}

export interface PerfRecording {
  /** Stops sampling (perf also stops by itself when the process exits). */
  stop(): Promise<void>;
}

export function recordPerf(pid: number, file: string): PerfRecording {
  const perf = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '999', '-p', String(pid), '-o', file], { stdio: 'ignore' });
  const exited = once(perf, 'exit');
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        if (perf.exitCode === null && perf.signalCode === null) perf.kill('SIGINT');
        await exited;
      })();
      return stopped;
    },
  };
}

/** Writes `${file}.txt`: CPU samples by binary, then by binary and symbol (after the run: perf report takes seconds). */
export function summarizePerf(file: string): void {
  writeFileSync(`${file}.txt`, `${report(file, 'dso', 12)}\n${report(file, 'dso,sym', 40)}`);
}

/** perf report's table of the top rows by the given sort keys. */
function report(file: string, sort: string, rows: number): string {
  const r = spawnSync('perf', ['report', '-i', file, '--stdio', '--no-children', '--sort', sort], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const lines = (r.stdout ?? '').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  return `by ${sort}:\n${lines.slice(0, rows).join('\n')}\n`;
}

/** The system calls counted by countSyscalls, besides their total: those a send or a delivery makes. */
const COUNTED_SYSCALLS = ['write', 'writev', 'pwrite64', 'pread64', 'read', 'fcntl', 'epoll_pwait', 'futex', 'fdatasync', 'fsync'];

export interface SyscallCounting {
  /** Stops counting: the count of each call (and `all`), or undefined when perf could not count (no tracepoints, no permission). */
  stop(): Promise<Map<string, number> | undefined>;
}

/**
 * Counts one thread's system calls (perf stat on the syscall tracepoints: no sampling, no
 * slowdown worth the name), by call. On a virtual machine where each call is dear, what a message
 * costs beyond the relay is largely its calls: SQLite's WAL frames (two pwrite64 each) and its
 * locks on the -shm file (fcntl), beside the one write per delivery both make.
 */
export function countSyscalls(tid: number): SyscallCounting {
  const events = ['raw_syscalls:sys_enter', ...COUNTED_SYSCALLS.map((s) => `syscalls:sys_enter_${s}`)];
  const perf = spawn('perf', ['stat', '-x', ',', '-e', events.join(','), '-t', String(tid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  perf.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(perf, 'exit');
  return {
    async stop() {
      if (perf.exitCode === null && perf.signalCode === null) perf.kill('SIGINT');
      await exited;
      const counts = new Map<string, number>();
      // CSV lines: count,unit,event,...
      for (const line of err.split('\n')) {
        const [count, , event] = line.split(',');
        if (!event || !/^\d+$/.test(count ?? '')) continue;
        counts.set(event === 'raw_syscalls:sys_enter' ? 'all' : event.replace('syscalls:sys_enter_', ''), Number(count));
      }
      return counts.size > 0 ? counts : undefined;
    },
  };
}
