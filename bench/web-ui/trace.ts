/**
 * A summary of a Chromium performance trace (bench:ui --profile --trace): per thread, the time its
 * events took, self (nested events subtracted) and inclusive, by event name. It tells style
 * (UpdateLayoutTree), layout, paint, GC and script apart on the page's main thread, and shows
 * what the compositor and raster threads spent meanwhile. Usage:
 *   node bench/web-ui/trace.ts bench/results/web-ui-profile-<time>/switches.trace.json [--top 20]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Ev {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

export function summarizeTrace(events: Ev[], top = 20): string {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const byThread = new Map<string, Ev[]>();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k)!.push(e);
  }
  const out: string[] = [];
  const wanted = /CrRendererMain|Compositor|VizCompositor|CompositorTileWorker|CrGpuMain/;
  for (const [k, evs] of byThread) {
    const name = names.get(k) ?? k;
    if (!wanted.test(name)) continue;
    evs.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const self = new Map<string, number>();
    const incl = new Map<string, number>();
    const stack: Ev[] = [];
    let busy = 0;
    for (const e of evs) {
      while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!);
      else busy += e.dur!;
      self.set(e.name, (self.get(e.name) ?? 0) + e.dur!);
      // Inclusive once per stack (a name nested in itself is not counted twice).
      if (!stack.some((s) => s.name === e.name)) incl.set(e.name, (incl.get(e.name) ?? 0) + e.dur!);
      stack.push(e);
    }
    const list = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([n, us]) => `  ${(us / 1000).toFixed(1).padStart(9)} ms  ${n}`)
        .join('\n');
    out.push(`## ${name} (${k}): busy ${(busy / 1000).toFixed(0)} ms`, 'self:', list(self), 'inclusive:', list(incl), '');
  }
  return out.join('\n');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '20' } } });
  const raw = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Ev[] | { traceEvents: Ev[] };
  console.log(summarizeTrace(Array.isArray(raw) ? raw : raw.traceEvents, Number(values.top)));
}
