/**
 * Summarises a V8 .cpuprofile (from --cpu-prof): self time by function and by package, so a
 * profiled bench run names its hot path. Usage: node bench/lib/profile-summary.ts <file> [top]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const where = (url: string): string => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const s = /(packages\/[^/]+\/src\/.*|bench\/.*)$/.exec(url);
  return s ? s[1]! : url === '' ? '(native/gc)' : url.replace(/^node:/, 'node:');
};

/** Self milliseconds per function and per package/file, largest first. */
export function summarizeProfile(file: string, top = 25): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const name = `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    const w = where(n.callFrame.url).split('/').slice(0, 4).join('/');
    pkg.set(w, (pkg.get(w) ?? 0) + ms);
    total += ms;
  }
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${v.toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n');
  return `total ${total.toFixed(0)} ms\n\nby function (self):\n${list(fn)}\n\nby package / file (self):\n${list(pkg)}`;
}

if (import.meta.main) console.log(summarizeProfile(process.argv[2]!, Number(process.argv[3] ?? 25)));
