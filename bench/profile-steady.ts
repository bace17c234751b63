/**
 * `node bench/profile-steady.ts --target bubble|rooms [--grid 10x100] [--rate 200] [--seconds 10] [--port 9329]
 * [--plain | --heap | --retained | --strace] [--trace-gc]`: one target in its steady state only. The
 * server starts under --inspect; the grid connects and warms up (accounts, rooms, joins: the set-up
 * that swamps a whole-process --cpu-prof, and for bubble is most of it); then one fixed-rate step
 * runs, and for that step alone it prints the CPU per message, the process's read and write system
 * calls per message (/proc/<pid>/io), the main thread's GC pauses and the heap in use, and:
 * - by default, a CPU profile (DevTools profiler, 200 µs sampling) by function and by package,
 *   written to bench/results/profiles/steady-<target>-<time>.cpuprofile;
 * - --heap: allocations per message by function (the sampling heap profiler, collected objects included);
 * - --retained: instead of a step, what the set-up left alive after a full GC, per socket, by allocation site;
 * - --strace: the main thread's system calls (strace -c; slows the server a great deal);
 * - --plain: nothing more (no profiler running);
 * - --trace-gc: the server's --trace-gc lines too, between STEP START and STEP END.
 * The profiler's samples are wall time: on a loaded machine, read them as shares, not as CPU.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { LoadGen } from './lib/loadgen.ts';
import { frameName, selfTimeTables, type Node, type Profile } from './lib/profile-summary.ts';
import { startTarget, type TargetName } from './targets/index.ts';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'bubble' },
    grid: { type: 'string', default: '10x100' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    port: { type: 'string', default: '9329' },
    top: { type: 'string', default: '40' },
    /** Allocations (the sampling heap profiler, collected objects included) instead of CPU. */
    heap: { type: 'boolean', default: false },
    /** Count the main thread's system calls during the step (strace -c). */
    strace: { type: 'boolean', default: false },
    /** No profiler: only the step's CPU and the process's read and write system calls per message (/proc/<pid>/io). */
    plain: { type: 'boolean', default: false },
    /** The server's --trace-gc lines, echoed between STEP START and STEP END. */
    'trace-gc': { type: 'boolean', default: false },
    /** What the set-up leaves alive: live objects by where they were allocated, after the warm-up and a full GC (then exits). */
    retained: { type: 'boolean', default: false },
    /** Everything the set-up (connect and warm-up) allocated, live or collected, per socket, by allocation site (then exits). */
    'setup-heap': { type: 'boolean', default: false },
  },
});
const [rooms, members] = values.grid.split(/[x×]/).map(Number) as [number, number];
const rate = Number(values.rate);
const port = Number(values.port);

class Done extends Error {}

/** A sampling heap profile's bytes by function, per unit. */
function printHeap(heap: { head: HeapNode }, units: number, unit: string, title: string): void {
  const fnBytes = new Map<string, number>();
  let bytes = 0;
  const walk = (n: HeapNode) => {
    const name = frameName(n);
    fnBytes.set(name, (fnBytes.get(name) ?? 0) + n.selfSize);
    bytes += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(heap.head);
  console.log(`${title}: ${(bytes / units / 1024).toFixed(1)} KiB per ${unit} (sampled)`);
  for (const [k, v] of [...fnBytes].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
    console.log(`${(v / units).toFixed(0).padStart(8)} B/${unit}  ${k}`);
}

/** The process's read and write system calls so far. */
function syscalls(pid: number): { syscr: number; syscw: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return { syscr: Number(/syscr: (\d+)/.exec(io)![1]), syscw: Number(/syscw: (\d+)/.exec(io)![1]) };
}

/** One DevTools session, kept open while the profiler runs (a profile belongs to its session). */
async function devtools(): Promise<{ call<T>(method: string, params?: object): Promise<T>; close(): void }> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  ws.on('message', (d) => {
    const reply = JSON.parse(d.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    const w = reply.id === undefined ? undefined : waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id!);
    if (reply.error) w.reject(new Error(reply.error.message));
    else w.resolve(reply.result);
  });
  return {
    call<T>(method: string, params: object = {}) {
      const id = next++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise<T>((resolve, reject) => waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    },
    close: () => ws.close(),
  };
}

interface HeapNode {
  callFrame: Node['callFrame'];
  selfSize: number;
  children: HeapNode[];
}

const target = await startTarget(values.target as TargetName, {
  cores: undefined,
  nodeFlags: [`--inspect=127.0.0.1:${port}`, ...(values['trace-gc'] ? ['--trace-gc'] : [])],
  verbose: values['trace-gc'],
});
const gen = new LoadGen({ rooms, members });
try {
  const early = values.retained || values['setup-heap'] ? await devtools() : undefined;
  if (early) {
    await early.call('HeapProfiler.enable');
    await early.call('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: values['setup-heap'],
      includeObjectsCollectedByMinorGC: values['setup-heap'],
    });
  }
  gen.clients = await target.connect({ rooms, members }, gen, { concurrency: 100 });
  await gen.run(target, { rate, seconds: 3, sendersPerRoom: 10, drainMs: 500 });
  if (early) {
    await early.call('HeapProfiler.collectGarbage');
    const { profile: heap } = await early.call<{ profile: { head: HeapNode } }>('HeapProfiler.stopSampling');
    const used = (
      await early.call<{ result: { value: number } }>('Runtime.evaluate', {
        expression: `process.getBuiltinModule('v8').getHeapStatistics().used_heap_size`,
        returnByValue: true,
      })
    ).result.value;
    early.close();
    printHeap(
      heap,
      rooms * members,
      'socket',
      `${values.target}: heap used after a full GC ${(used / 2 ** 20).toFixed(1)} MiB; ${values.retained ? 'live' : 'allocated by the set-up'}, by allocation site`,
    );
    throw new Done();
  }
  const dt = await devtools();
  const evaluate = async (expression: string) =>
    (await dt.call<{ result: { value: string } }>('Runtime.evaluate', { expression, returnByValue: true })).result.value;
  await evaluate(
    `globalThis.__gc = []; new (process.getBuiltinModule('perf_hooks').PerformanceObserver)((l) => { for (const e of l.getEntries()) globalThis.__gc.push([e.detail.kind, e.duration]); }).observe({ entryTypes: ['gc'] }); ''`,
  );
  if (values.heap) {
    await dt.call('HeapProfiler.enable');
    await dt.call('HeapProfiler.startSampling', {
      samplingInterval: 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  } else if (!values.plain && !values.strace) {
    await dt.call('Profiler.enable');
    await dt.call('Profiler.setSamplingInterval', { interval: 200 });
    await dt.call('Profiler.start');
  }
  const io0 = syscalls(target.pid!);
  const strace = values.strace ? spawn('strace', ['-c', '-p', String(target.pid)], { stdio: ['ignore', 'ignore', 'pipe'] }) : undefined;
  let straced = '';
  strace?.stderr!.on('data', (d: Buffer) => (straced += d.toString()));
  if (strace) await new Promise((resolve) => setTimeout(resolve, 500));
  console.log('STEP START');
  const r = await gen.run(target, { rate, seconds: Number(values.seconds), sendersPerRoom: 10, drainMs: 1000 });
  console.log('STEP END');
  const io1 = syscalls(target.pid!);
  const gc = JSON.parse(
    await evaluate(`JSON.stringify({ gc: globalThis.__gc, heap: process.getBuiltinModule('v8').getHeapStatistics().used_heap_size })`),
  ) as { gc: [number, number][]; heap: number };
  const kinds = new Map<number, { n: number; ms: number }>();
  for (const [k, ms] of gc.gc) {
    const t = kinds.get(k) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += ms;
    kinds.set(k, t);
  }
  console.log(
    `${values.target}: heap used ${(gc.heap / 2 ** 20).toFixed(0)} MiB; GC pauses (kind: count, ms): ${[...kinds].map(([k, t]) => `${k}: ${t.n}, ${t.ms.toFixed(0)}`).join('; ')}`,
  );
  console.log(
    `${values.target}: ${((1000 * r.serverCpuMs!) / r.acked).toFixed(0)} µs CPU per message, ${r.acked} acked, p50 ${r.latency.p50.toFixed(1)} ms; ` +
      `per message: ${((io1.syscw - io0.syscw) / r.acked).toFixed(1)} write calls (sockets and files), ${((io1.syscr - io0.syscr) / r.acked).toFixed(1)} read calls`,
  );
  if (strace) {
    strace.kill('SIGINT');
    await once(strace, 'exit');
    console.log(`system calls of the main thread for ${r.acked} messages:\n${straced}`);
  }
  if (values.plain || values.strace) {
    dt.close();
  } else if (values.heap) {
    const { profile: heap } = await dt.call<{ profile: { head: HeapNode } }>('HeapProfiler.stopSampling');
    printHeap(heap, r.acked, 'msg', `${values.target}: allocated, ${r.acked} messages`);
    const dir = join(import.meta.dirname, 'results', 'profiles');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `heap-${values.target}-${Date.now()}.heapprofile`), JSON.stringify(heap));
    dt.close();
  } else {
    const { profile } = await dt.call<{ profile: Profile }>('Profiler.stop');
    dt.close();
    const dir = join(import.meta.dirname, 'results', 'profiles');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `steady-${values.target}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(
      `${values.target} ${rate} msg/s on ${rooms}×${members}: ${((1000 * r.serverCpuMs!) / r.acked).toFixed(0)} µs CPU per message (profiler on), ` +
        `p50 ${r.latency.p50.toFixed(1)} ms, delivered ${(100 * r.deliveryRatio).toFixed(2)} %`,
    );
    const { totalMs, tables } = selfTimeTables(profile, Number(values.top), (_i, n) => n.callFrame.functionName !== '(idle)');
    console.log(`busy ${totalMs.toFixed(0)} ms (sampled wall time)\n\n${tables}`);
    console.log(`profile: ${file}`);
  }
} catch (err) {
  if (!(err instanceof Done)) throw err;
} finally {
  for (const c of gen.clients) c.close();
  await target.stop();
}
