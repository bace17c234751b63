/**
 * A V8 .cpuprofile (from --cpu-prof) cut into its busy stretches, so that a whole-process profile
 * of a bench:fixed run can be read for its steady, fixed-rate windows only (the rounds), without
 * the start-up and the grid's set-up (accounts, rooms, joins) that come first.
 * Usage: node bench/lib/profile-window.ts <file> [--from <n>] [--top 30]
 * lists the stretches (bins of --bin ms busier than --busy, gaps up to --gap ms), then summarises self time over stretches
 * n.. (1-based; default: the last three, the rounds of --rounds 3).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { selfTimeTables, type Profile } from './profile-summary.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    top: { type: 'string', default: '30' },
    bin: { type: 'string', default: '500' },
    busy: { type: 'string', default: '0.05' },
    gap: { type: 'string', default: '1000' },
  },
});
const p = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
// Sample times (ms from the start) and each sample's weight (its delta).
const t: number[] = [];
let now = 0;
for (const d of p.timeDeltas) t.push((now += d / 1000));
const binMs = Number(values.bin);
const bins = new Map<number, number>();
p.samples.forEach((id, i) => {
  if (idle.has(id)) return;
  const b = Math.floor(t[i]! / binMs);
  bins.set(b, (bins.get(b) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
});
// Busy stretches: runs of bins busier than --busy with gaps up to --gap ms.
const busy = [...bins]
  .filter(([, ms]) => ms > Number(values.busy) * binMs)
  .map(([b]) => b)
  .sort((a, b) => a - b);
const stretches: { from: number; to: number }[] = [];
for (const b of busy) {
  const last = stretches.at(-1);
  if (last && (b - last.to - 1) * binMs <= Number(values.gap)) last.to = b;
  else stretches.push({ from: b, to: b });
}
const busyIn = (s: { from: number; to: number }) => [...bins].filter(([b]) => b >= s.from && b <= s.to).reduce((a, [, ms]) => a + ms, 0);
stretches.forEach((s, i) =>
  console.log(
    `stretch ${i + 1}: ${((s.from * binMs) / 1000).toFixed(1)}–${(((s.to + 1) * binMs) / 1000).toFixed(1)} s, busy ${busyIn(s).toFixed(0)} ms`,
  ),
);
const from = values.from ? Number(values.from) - 1 : Math.max(0, stretches.length - 3);
const chosen = stretches.slice(from);
const inWindow = (ms: number) => chosen.some((s) => ms >= s.from * binMs && ms < (s.to + 1) * binMs);
let idleMs = 0;
const { totalMs, tables } = selfTimeTables(p, Number(values.top), (i, n) => {
  if (!inWindow(t[i]!)) return false;
  if (idle.has(n.id)) idleMs += (p.timeDeltas[i] ?? 0) / 1000;
  return !idle.has(n.id);
});
console.log(`\nstretches ${from + 1}–${stretches.length}: busy ${totalMs.toFixed(0)} ms, idle ${idleMs.toFixed(0)} ms\n\n${tables}`);
