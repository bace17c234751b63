/** Writes a run's JSON, its Markdown report and SVG charts to bench/results/, and prints the tables. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeKeepingSections } from './kept-sections.ts';
import { TARGET_LABELS, type TargetName } from '../targets/types.ts';
import { markdownTable, num } from './format.ts';
import type { Goal, Results, Table } from './results.ts';
import { barChart, lineChart } from './svg.ts';
import { s1StepTables, s1Tables, s2Table, s3Table, s4Table, s5Table } from './tables.ts';

const label = (n: string) => TARGET_LABELS[n as TargetName] ?? n;
/** One colour per target in every chart. */
const COLOR: Record<string, string> = { relay: '#4e79a7', socketio: '#f28e2b', rooms: '#59a14f', sqlite: '#76b7b2', postgres: '#e15759' };
const series = (n: string) => ({ name: label(n), color: COLOR[n] });

export interface Report {
  tables: Table[];
  goals: Goal[];
  markdown: string;
}

export function buildReport(r: Results, charts: Record<string, string> = {}): Report {
  const goals: Goal[] = [];
  const tables = [...s1Tables(r, goals), ...s2Table(r, goals), ...s3Table(r, goals), ...s4Table(r, goals), ...s5Table(r, goals)];
  const m = r.machine;
  const img = (name: string) => (charts[name] ? `\n![${name}](${charts[name]})\n` : '');
  const goalRows = goals.map((g) => [g.scenario, g.goal, g.measured, g.met === undefined ? 'n/a' : g.met ? '✓ met' : '✗ missed']);
  const markdown = [
    `# Rooms benchmark — ${r.mode} run, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGb} GB RAM, Linux ${m.kernel}, Node ${m.node}, open-file limit ${m.openFiles}. ` +
      `Load average ${r.settings.loadAvgStart.toFixed(1)} at the start and ${r.settings.loadAvgEnd.toFixed(1)} at the end (a shared machine: compare ratios from the same run, not absolute figures). Run time ${num(r.seconds / 60, 1)} min.`,
    '',
    `Settings: ${r.settings.pinning}. Rooms: ${r.settings.roomsDatabase}, MESSAGE_RATE_LIMIT raised to ${num(r.settings.rateLimit)} per 10 s (the default 10 would refuse the bench's senders). ${r.settings.addons}`,
    '',
    'Load: one generator process with raw `ws` clients (compression off), open loop: every message carries its intended send time and latency runs from it to receipt (HDR histograms), so a stalled sender or server is never hidden. A step passes while p99 ≤ 100 ms and ≥ 99.9 % of the acked messages reach every member.',
    '',
    '## Goals from issue 6',
    '',
    markdownTable({ title: '', header: ['scenario', 'goal', 'measured', 'result'], rows: goalRows, notes: [] }),
    ...Object.entries(r.errors).map(([s, e]) => `**${s} did not complete:** ${e}\n`),
    '## Results',
    '',
    ...tables.map((t) => `${markdownTable(t)}${t.chart ? img(t.chart) : ''}`),
    img('s1-max'),
    '## Appendix: every S1 step',
    '',
    ...s1StepTables(r).map(markdownTable),
  ].join('\n');
  return { tables, goals, markdown };
}

/** SVG files (name → file name relative to the report). */
function writeCharts(r: Results, dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const save = (name: string, svg: string) => {
    writeFileSync(join(dir, `${name}.svg`), svg);
    out[name] = `charts-${r.mode}/${name}.svg`;
  };
  for (const g of r.s1 ?? []) {
    const name = `${g.grid.rooms}×${g.grid.members}`;
    save(
      `s1-${name}`,
      lineChart({
        title: `S1 ${name}: p99 latency by offered load`,
        xLabel: 'offered deliveries/s',
        yLabel: 'p99 ms (log)',
        logY: true,
        limit: 100,
        series: Object.entries(g.steps).map(([n, steps]) => ({
          ...series(n),
          points: steps.map((s) => [s.offeredDeliveriesPerSec, Math.max(0.1, s.latency.p99)] as [number, number]),
        })),
      }),
    );
  }
  if (r.s1?.length) {
    const names = Object.keys(r.s1[0]!.steps);
    save(
      's1-max',
      barChart({
        title: 'S1: max deliveries/s within p99 ≤ 100 ms',
        yLabel: 'deliveries/s',
        groups: r.s1.map((g) => `${g.grid.rooms}×${g.grid.members}`),
        series: names.map((n) => ({ ...series(n), values: r.s1!.map((g) => g.best[n]?.deliveredPerSec) })),
      }),
    );
  }
  if (r.s2) {
    const names = Object.keys(r.s2.latency);
    save(
      's2',
      barChart({
        title: 'S2: latency at the same offered load',
        yLabel: 'ms',
        groups: ['p50', 'p90', 'p99', 'p99.9'],
        series: names.map((n) => {
          const l = r.s2!.latency[n]!;
          return { ...series(n), values: [l.p50, l.p90, l.p99, l.p999] };
        }),
      }),
    );
  }
  if (r.s3) {
    const names = Object.keys(r.s3.levels);
    const levels = r.s3.levels[names[0]!]?.map((l) => l.connections) ?? [];
    save(
      's3',
      barChart({
        title: 'S3: RSS per idle connection',
        yLabel: 'KB',
        groups: levels.map((n) => `${num(n)} connections`),
        series: names.map((n) => ({ ...series(n), values: r.s3!.levels[n]!.map((l) => l.rssPerConnKb) })),
      }),
    );
  }
  if (r.s4) {
    const names = Object.keys(r.s4.byTarget);
    save(
      's4',
      barChart({
        title: 'S4: time to 99 % resumed after the restart',
        yLabel: 'ms',
        groups: ['p50', '99 %'],
        series: names.map((n) => ({ ...series(n), values: [r.s4!.byTarget[n]!.resumedP50Ms, r.s4!.byTarget[n]!.resumedP99Ms] })),
      }),
    );
  }
  if (r.s5?.length) {
    save(
      's5',
      barChart({
        title: 'S5: history page p99 by depth',
        yLabel: 'ms',
        groups: r.s5[0]!.history.map((h) => `depth ${num(h.depth)}`),
        series: r.s5.map((d) => ({ name: d.database, color: COLOR[d.database], values: d.history.map((h) => h.latency.p99) })),
      }),
    );
  }
  return out;
}

/** Drops raw histograms from the JSON. */
const replacer = (key: string, value: unknown) => (key.endsWith('Histogram') ? undefined : value);

export function writeResults(r: Results, dir: string): { json: string; md: string; report: Report } {
  rmSync(join(dir, `charts-${r.mode}`), { recursive: true, force: true });
  mkdirSync(join(dir, `charts-${r.mode}`), { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-').slice(0, 19);
  const json = join(dir, `bench-${r.mode}-${stamp}.json`);
  writeFileSync(json, JSON.stringify(r, replacer, 2));
  writeFileSync(join(dir, `latest-${r.mode}.json`), JSON.stringify(r, replacer, 2));
  const report = buildReport(r, writeCharts(r, join(dir, `charts-${r.mode}`)));
  const md = join(dir, `report-${r.mode}.md`);
  writeFileSync(md, report.markdown);
  return { json, md, report };
}

/** BENCHMARKS.md from a run's report: the tables without the chart images (they stay in bench/results), then the kept sections of other harnesses. */
export function writeBenchmarksMd(r: Results, report: Report, file: string): void {
  const quick = r.mode === 'quick';
  const note = quick
    ? '> This is a **quick** run (`npm run bench -- --quick`): short steps and a small seeded history. A full run (`npm run bench`) replaces it.\n\n'
    : '';
  const body = report.markdown.replace(/\n!\[[^\]]*\]\([^)]*\)\n/g, '\n');
  writeKeepingSections(
    file,
    `${note}${body}\nCharts: \`bench/results/charts-${r.mode}/\` after a run (results stay out of git). Reproduce with \`npm run bench${quick ? ' -- --quick' : ''}\`.\n`,
  );
}
