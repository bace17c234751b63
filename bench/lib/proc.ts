/** What the harness reads about processes and the machine: CPU time and RSS from /proc, core pinning with taskset. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const TICK_MS = 1000 / 100; // USER_HZ is 100 on every Linux the bench targets

/** The fields of a /proc stat file after the name (in parentheses, which may hold spaces): state first, so field n of proc(5) is at n - 3. */
const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

/** utime + stime in ms, from the text of a /proc stat file. */
function statCpuMs(stat: string): number {
  const fields = statFields(stat);
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** CPU time (user + system, all threads) of a process in ms; undefined when it is gone or not on Linux. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU ms (user + system) of each thread of a process, summed by thread name (node's main thread is named after the process). */
export function cpuMsByThread(pid: number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (pid === undefined) return out;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out.set(name, (out.get(name) ?? 0) + statCpuMs(stat));
    }
  } catch {
    // The process (or a thread) ended while it was read: what was read is what there is.
  }
  return out;
}

/** Resident set size of a process in bytes (VmRSS). */
export function rssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Total CPU ms of several processes (the database's backends, say); missing ones count 0. */
export function cpuMsOfAll(pids: number[]): number {
  return pids.reduce((sum, p) => sum + (cpuMs(p) ?? 0), 0);
}

/** True when taskset exists and there are at least two cores to split between server and load. */
export function canPin(): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Cores for the servers under test and for the load generator: disjoint halves of the machine. */
export function coreSplit(): { server: string; load: string } | undefined {
  if (!canPin()) return undefined;
  const n = cpus().length;
  const half = Math.max(1, Math.floor(n / 2));
  const list = (from: number, to: number) => (to - from === 1 ? String(from) : `${from}-${to - 1}`);
  return { server: list(0, half), load: list(half, n) };
}

/** Pins every thread of a running process to the given cores (taskset -a -p). */
export function pin(pid: number, cores: string): void {
  execFileSync('taskset', ['-a', '-cp', cores, String(pid)], { stdio: 'ignore' });
}

/** A one-line description of the machine for the report. */
export function machine(): { cpu: string; cores: number; memGb: number; kernel: string; node: string; openFiles: string } {
  const c = cpus();
  let kernel = '';
  let openFiles = '';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
    openFiles = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? '';
  } catch {
    // not Linux: leave blank
  }
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memGb: Math.round(totalmem() / 2 ** 30),
    kernel,
    node: process.version,
    openFiles,
  };
}

/**
 * A warning when `nice` cannot shield a bench from the rest of the machine: with the kernel's
 * autogroup scheduling on, every session (each terminal, each agent's shell) gets an equal share
 * of the CPU whatever its processes' nice values, so a `nice -n -20` bench still shares its cores
 * with a `nice -n 19` test suite started from another session. `echo 0 >
 * /proc/sys/kernel/sched_autogroup_enabled` (root) makes nice values count across sessions.
 */
export function schedulingWarning(): string | undefined {
  try {
    if (readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() !== '1') return undefined;
  } catch {
    return undefined;
  }
  return "kernel autogroup scheduling is on: nice values do not count across sessions, so other sessions' work shares these cores whatever its niceness (echo 0 > /proc/sys/kernel/sched_autogroup_enabled)";
}

/** 1-minute load average, as a hint of other work on a shared machine. */
export function loadAvg(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}

/**
 * What the machine did to a process besides its own work: its major page faults (pages read back
 * from disk: its code, or the database's file pages, after the kernel or a host's memory policy
 * evicted them) and its main thread's involuntary context switches (preempted: by its own other
 * threads on a pinned core, or by the kernel). Either can stall the event loop for milliseconds
 * that no profile of the process shows.
 */
export interface Disturbance {
  majorFaults: number;
  preempted: number;
}

export function disturbance(pid: number | undefined): Disturbance | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const majorFaults = Number(statFields(stat)[9]);
    const m = /nonvoluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'));
    return { majorFaults, preempted: Number(m?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}

/** File pages the whole machine read back after evicting them (/proc/vmstat workingset_refault_file): page-cache pressure. */
export function fileRefaults(): number | undefined {
  try {
    const m = /^workingset_refault_file (\d+)$/m.exec(readFileSync('/proc/vmstat', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
