/**
 * The attack run of issue 14, repeatable: each attack against a real server (child process, fresh
 * database, the server's default limits unless a row says otherwise), on SQLite and/or PostgreSQL,
 * with a markdown table of what was sent, how the server answered, and what it did to a signed-in
 * user's latency. Outcomes are recorded, not asserted: the same run works before and after the
 * fixes. Usage:
 *   npm run bench:attack -- [--db sqlite|postgres|both] [--only a,d] [--kills 5] [--flood-seconds 10]
 *                           [--slow-clients 2000] [--slow-seconds 35] [--bcrypt-cost 10] [--verbose] [--write]
 * --write also puts the report into BENCHMARKS.md (its own section, kept by full bench runs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Ctx, Scenario } from './attack/context.ts';
import { Tally } from './attack/http.ts';
import { renderTable, type Row } from './attack/report.ts';
import { writeSection } from './report/kept-sections.ts';
import { capScenarios } from './attack/scenarios/caps.ts';
import { crashScenarios } from './attack/scenarios/crash.ts';
import { fanoutScenarios } from './attack/scenarios/fanout.ts';
import { loginScenarios } from './attack/scenarios/logins.ts';
import { slowClientScenarios } from './attack/scenarios/slow-clients.ts';
import { trickScenarios } from './attack/scenarios/tricks.ts';
import { wsFloodScenarios } from './attack/scenarios/ws-floods.ts';

const SCENARIOS: Scenario[] = [
  ...loginScenarios,
  ...wsFloodScenarios,
  ...slowClientScenarios,
  ...fanoutScenarios,
  ...capScenarios,
  ...crashScenarios,
  ...trickScenarios,
];

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    only: { type: 'string' },
    kills: { type: 'string', default: '5' },
    'flood-seconds': { type: 'string', default: '10' },
    'slow-clients': { type: 'string', default: '2000' },
    'slow-seconds': { type: 'string', default: '35' },
    'bcrypt-cost': { type: 'string', default: '10' },
    verbose: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
  },
});

const postgresAdminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const databases = values.db === 'both' ? ['sqlite', 'postgres'] : [values.db];
if (databases.some((d) => d !== 'sqlite' && d !== 'postgres')) throw new Error(`--db is sqlite, postgres or both, not ${values.db}`);
const only = values.only?.split(',').map((s) => s.trim().toLowerCase());
const selected = only ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;
if (only && selected.length !== only.length) throw new Error(`--only takes ids among ${SCENARIOS.map((s) => s.id).join(',')}`);

const started = new Date();
const tables: string[] = [];
const results: Record<string, Row[]> = {};
for (const db of databases) {
  const ctx: Ctx = {
    target: {
      postgresAdminUrl: db === 'postgres' ? postgresAdminUrl : undefined,
      bcryptCost: Number(values['bcrypt-cost']),
      verbose: values.verbose,
    },
    floodSeconds: Number(values['flood-seconds']),
    kills: Number(values.kills),
    slowClients: Number(values['slow-clients']),
    slowSeconds: Number(values['slow-seconds']),
    log: (msg) => console.error(`[${db}] ${msg}`),
  };
  const rows: Row[] = [];
  const t0 = performance.now();
  // The machine's load around the run: on a shared machine absolute latencies say little without it.
  const load0 = loadavg()[0]!.toFixed(1);
  for (const s of selected) {
    const s0 = performance.now();
    ctx.log(`${s.id}: ${s.title}...`);
    try {
      rows.push(...(await s.run(ctx)));
    } catch (err) {
      // A scenario that cannot finish is a finding too: it shows in the table.
      ctx.log(`${s.id} failed: ${(err as Error).stack}`);
      rows.push({
        id: s.id,
        attack: s.title,
        limits: '–',
        unit: 'req',
        tally: new Tally(),
        outcome: [`**harness error**: ${(err as Error).message}`],
      });
    }
    ctx.log(`${s.id} done in ${((performance.now() - s0) / 1000).toFixed(0)} s`);
  }
  results[db] = rows;
  const seconds = ((performance.now() - t0) / 1000).toFixed(0);
  tables.push(
    renderTable(
      `${db === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (${seconds} s; 1-min load average ${load0} at the start, ${loadavg()[0]!.toFixed(1)} at the end)`,
      rows,
    ),
  );
}

const head = `## Attack run — ${started.toISOString()}, ${availableParallelism()} cores, server and generator on one machine\n`;
const notes = [
  '"sent" counts requests (req), WebSocket frames (frames) or TCP connections (conns). 503 is load shedding (with Retry-After); "other 5xx" has the goal 0.',
  '/auth/me: a signed-in user polling at 50 Hz from its own address, open loop in its own thread (latency from the intended send time), before the attack and during it.',
  `"limits": the server ran with its default settings, except the ones named, and BCRYPT_COST=${values['bcrypt-cost']} (the other benches' cost; the server's default is 12: --bcrypt-cost 12).`,
  'Floods are closed loops; requests still in flight 30 s after a flood ends are given up (TIMEOUT, under "no answer").',
];
const report = `${head}\n${tables.join('\n')}\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
console.log(`\n${report}`);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const stamp = started.toISOString().replace(/[:.]/g, '-');
writeFileSync(join(dir, `attack-${stamp}.md`), report);
const json = Object.fromEntries(
  Object.entries(results).map(([db, rows]) => [db, rows.map((r) => ({ ...r, tally: { ...r.tally, by: Object.fromEntries(r.tally.by) } }))]),
);
writeFileSync(join(dir, `attack-${stamp}.json`), JSON.stringify(json, null, 2));
console.error(`written: bench/results/attack-${stamp}.md and .json`);
if (values.write) {
  writeSection(
    join(import.meta.dirname, '..', 'BENCHMARKS.md'),
    'attack-run',
    `${report}\nReproduce with \`npm run bench:attack -- --write\`.\n`,
  );
  console.error('written: the attack-run section of BENCHMARKS.md');
}
