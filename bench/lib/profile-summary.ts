/**
 * Summarises a V8 .cpuprofile (from --cpu-prof): self time by function and by package, so a
 * profiled bench run names its hot path. Usage: node bench/lib/profile-summary.ts <file> [top]
 */
import { readFileSync } from 'node:fs';

export interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: its npm package, its file in this repository, or the runtime. */
export const where = (url: string): string => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const s = /(packages\/[^/]+\/src\/.*|bench\/.*)$/.exec(url);
  return s ? s[1]! : url === '' ? '(native/gc)' : url;
};

/** A frame as the tables name it: function, file and line. */
export const frameName = (n: Pick<Node, 'callFrame'>): string =>
  `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

/**
 * Self milliseconds per function and per package/file, largest first, over the samples `keep`
 * accepts (by index and node): the tables of every profile summary here.
 */
export function selfTimeTables(
  p: Profile,
  top: number,
  keep: (i: number, n: Node) => boolean = () => true,
): { totalMs: number; tables: string } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    if (!keep(i, n)) return;
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const name = frameName(n);
    fn.set(name, (fn.get(name) ?? 0) + ms);
    const w = where(n.callFrame.url).split('/').slice(0, 4).join('/');
    pkg.set(w, (pkg.get(w) ?? 0) + ms);
    total += ms;
  });
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${v.toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n');
  return { totalMs: total, tables: `by function (self):\n${list(fn)}\n\nby package / file (self):\n${list(pkg)}` };
}

/** Self milliseconds per function and per package/file, largest first. */
export function summarizeProfile(file: string, top = 25): string {
  const { totalMs, tables } = selfTimeTables(JSON.parse(readFileSync(file, 'utf8')) as Profile, top);
  return `total ${totalMs.toFixed(0)} ms\n\n${tables}`;
}

if (import.meta.main) console.log(summarizeProfile(process.argv[2]!, Number(process.argv[3] ?? 25)));
