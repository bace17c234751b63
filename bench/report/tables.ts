/** One table per scenario (each target's figures, then Rooms' ratios to (a) and (b)) and the issue's goals. */
import type { StepResult } from '../lib/loadgen.ts';
import { TARGET_LABELS, type TargetName } from '../targets/types.ts';
import { ms, num, pct, ratio, times, verdict } from './format.ts';
import type { S1Grid } from '../scenarios/s1-fanout.ts';
import type { S2Level } from '../scenarios/s2-latency.ts';
import type { Goal, Results, Table } from './results.ts';

const label = (n: string) => TARGET_LABELS[n as TargetName] ?? n;
const gridName = (g: { rooms: number; members: number }) => `${g.rooms}×${g.members}`;
/** The issue's S1 goal per grid: Rooms' max msgs/s as a share of the relay's. */
const S1_GOAL: Record<string, number> = { '10×100': 0.7, '2×500': 0.7, '100×10': 0.5 };

/** Issue 17: S1 max throughput with the search index ≥ this share of the same server without it (rooms ÷ rooms-noindex). */
export const SEARCH_INDEX_GOAL = 0.85;

/**
 * What the search index costs the send path in one S1 grid: Rooms' max msgs/s over that of the
 * same server without index writes (the rooms-noindex target), both on the same interleaved
 * ladder; undefined unless both ran.
 */
export function searchIndexCost(g: S1Grid): { line: string; goal: Goal } | undefined {
  if (!('rooms' in g.steps) || !('rooms-noindex' in g.steps)) return undefined;
  const name = gridName(g.grid);
  const withIndex = g.best.rooms?.rate;
  const without = g.best['rooms-noindex']?.rate;
  const r = ratio(withIndex, without);
  const v = verdict(r, SEARCH_INDEX_GOAL);
  const open = ['rooms', 'rooms-noindex'].filter((n) => g.unbounded.includes(n));
  const bound = open.length ? ` (${open.join(', ')} still passing at the top of the ladder: a bound, not a ratio)` : '';
  return {
    line: `S1 ${name} search index cost: max ${num(withIndex)} msg/s with the index, ${num(without)} without: ${times(r)} — goal ≥ ${SEARCH_INDEX_GOAL}×: ${v.text}${bound}`,
    goal: {
      scenario: `S1 ${name}`,
      goal: `max msgs/s with the search index ≥ ${SEARCH_INDEX_GOAL}× without (issue 17)`,
      measured: times(r),
      met: v.met,
    },
  };
}

export function s1Tables(r: Results, goals: Goal[]): Table[] {
  return (r.s1 ?? []).map((g) => {
    const name = gridName(g.grid);
    const names = Object.keys(g.steps);
    const best = (n: string) => g.best[n];
    // Where the target stopped: the lowest failing rate above its best pass (a failure retried with success does not count).
    const firstFail = (n: string) =>
      g.steps[n]!.filter((s) => !s.passed && s.rate > (best(n)?.rate ?? 0)).sort((a, b) => a.rate - b.rate)[0];
    const why = (s: StepResult | undefined) =>
      !s ? 'ladder ended' : s.latency.p99 > 100 ? `p99 ${ms(s.latency.p99)} ms` : `delivered ${pct(100 * s.deliveryRatio, 2)}`;
    const rows = names.map((n) => {
      const b = best(n);
      return [
        label(n),
        num(b?.rate),
        num(b?.deliveredPerSec),
        ms(b?.latency.p50),
        ms(b?.latency.p99),
        pct(b?.serverCpuPct, 0),
        num(g.common?.cpuMsPer1k[n], 1),
        ms(b?.loopP99Ms),
        pct(b?.clientCpuPct, 0),
        `${num(firstFail(n)?.rate)} (${why(firstFail(n))})`,
      ];
    });
    // The max is the highest offered rate a target passed (the table's first column), on a ladder
    // every target climbs alike: two targets that passed the same step tie. (Compared on the
    // deliveries/s measured in that step, a tie read as 0.999x and a miss.)
    const maxOf = (n: string) => best(n)?.rate;
    const vsA = verdict(ratio(maxOf('rooms'), maxOf('relay')), S1_GOAL[name] ?? 0.7);
    const vsB = verdict(ratio(maxOf('rooms'), maxOf('socketio')), 1);
    const cpu = verdict(ratio(g.common?.cpuMsPer1k.rooms, g.common?.cpuMsPer1k.relay), 1.4, true);
    const indexCost = searchIndexCost(g);
    if (indexCost) goals.push(indexCost.goal);
    if (names.includes('rooms')) {
      if (S1_GOAL[name] !== undefined)
        goals.push({
          scenario: `S1 ${name}`,
          goal: `max msgs/s ≥ ${S1_GOAL[name]}× (a)`,
          measured: times(ratio(maxOf('rooms'), maxOf('relay'))),
          met: vsA.met,
        });
      goals.push({
        scenario: `S1 ${name}`,
        goal: 'max msgs/s ≥ 1× (b)',
        measured: times(ratio(maxOf('rooms'), maxOf('socketio'))),
        met: vsB.met,
      });
      goals.push({
        scenario: `S1 ${name}`,
        goal: 'CPU per 1k deliveries ≤ 1.4× (a) at the same load',
        measured: times(ratio(g.common?.cpuMsPer1k.rooms, g.common?.cpuMsPer1k.relay)),
        met: cpu.met,
      });
    }
    return {
      chart: `s1-${name}`,
      title: `S1 fan-out ${name} (${g.grid.rooms} rooms of ${g.grid.members}; ${g.grid.rooms * g.grid.members} connections)`,
      header: [
        'target',
        'max msgs/s (p99 ≤ 100 ms, ≥ 99.9 %)',
        'deliveries/s',
        'p50 ms',
        'p99 ms',
        'server CPU',
        `CPU ms / 1k deliveries @ ${num(g.common?.rate)} msg/s`,
        'loop delay p99 ms',
        'load-gen CPU',
        'failed at msg/s (why)',
      ],
      rows,
      notes: [
        `Rooms / (a): max ${times(ratio(maxOf('rooms'), maxOf('relay')))} — goal ${S1_GOAL[name] ?? 0.7}×: ${vsA.text}; CPU per 1k deliveries ${times(ratio(g.common?.cpuMsPer1k.rooms, g.common?.cpuMsPer1k.relay))} — goal ≤ 1.4×: ${cpu.text}`,
        `Rooms / (b): max ${times(ratio(maxOf('rooms'), maxOf('socketio')))} — goal ≥ 1×: ${vsB.text}; CPU per 1k deliveries ${times(ratio(g.common?.cpuMsPer1k.rooms, g.common?.cpuMsPer1k.socketio))}`,
        ...(indexCost ? [indexCost.line] : []),
        ...(g.unbounded.length
          ? [`${g.unbounded.map(label).join(', ')}: still passing at the top of the ladder, so the max shown is a lower bound.`]
          : []),
      ],
    };
  });
}

export function s2Table(r: Results, goals: Goal[]): Table[] {
  const s = r.s2;
  if (!s) return [];
  // Results written before S2 measured several rates hold one level: the result itself.
  const levels = s.levels ?? [s];
  const rows = levels.flatMap((level) => Object.keys(level.latency).map((n) => s2Row(level, n)));
  const vs = (level: S2Level, n: string, base: string, p: 'p50' | 'p99') => ratio(level.latency[n]?.[p], level.latency[base]?.[p]);
  const worst = (p: 'p50' | 'p99') => Math.max(...levels.map((l) => vs(l, 'rooms', 'relay', p) ?? NaN));
  const half = levels.at(-1)!;
  if (half.latency.rooms) {
    // Issue 6's goals, at half the relay's saturation; issue 19's, at every rate up to there.
    goals.push({
      scenario: 'S2',
      goal: 'p99 ≤ 1.5× (a)',
      measured: times(vs(half, 'rooms', 'relay', 'p99')),
      met: verdict(vs(half, 'rooms', 'relay', 'p99'), 1.5, true).met,
    });
    goals.push({
      scenario: 'S2',
      goal: 'p50 ≤ 2× (a)',
      measured: times(vs(half, 'rooms', 'relay', 'p50')),
      met: verdict(vs(half, 'rooms', 'relay', 'p50'), 2, true).met,
    });
    if (levels.length > 1)
      for (const p of ['p50', 'p99'] as const)
        goals.push({
          scenario: 'S2',
          goal: `${p} ≤ 2× (a) at every rate up to half its saturation (worst)`,
          measured: times(worst(p)),
          met: verdict(worst(p), 2, true).met,
        });
  }
  const at = levels.map((l) => num(l.rate)).join(', ');
  return [
    {
      chart: 's2',
      title: `S2 latency at ${at} msg/s on ${gridName(s.grid)} (${levels.map((l) => fraction(l.fraction)).join(', ')} of the relay's ${num(s.relaySaturation)} msg/s)`,
      header: [
        'msg/s',
        'target',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'p99.9 ms',
        'max ms',
        'delivered',
        'server CPU',
        'load-gen CPU',
        'load-gen loop max ms',
      ],
      rows,
      notes: [
        ...levels.map((l) => {
          const p50 = verdict(vs(l, 'rooms', 'relay', 'p50'), 2, true);
          const p99 = verdict(vs(l, 'rooms', 'relay', 'p99'), 2, true);
          const batched = l.latency['relay-batched']
            ? `; Rooms / (a'): p50 ${times(vs(l, 'rooms', 'relay-batched', 'p50'))}, p99 ${times(vs(l, 'rooms', 'relay-batched', 'p99'))}`
            : '';
          return `At ${num(l.rate)} msg/s: Rooms / (a): p50 ${p50.text}, p99 ${p99.text} (goal ≤ 2× each)${batched}; Rooms / (b): p50 ${times(vs(l, 'rooms', 'socketio', 'p50'))}, p99 ${times(vs(l, 'rooms', 'socketio', 'p99'))}`;
        }),
        "The load generator runs on the cores the servers do not (one, on a two-core machine); near its own limit its queueing is part of every target's latency. Its own event-loop stalls (the last column) count against every target; npm's bench scripts start it with a large initial heap so that no major GC of its own lands in a step.",
      ],
    },
  ];
}

const fraction = (f: number | undefined) => (f === undefined ? '½' : f === 0.5 ? '½' : f === 0.25 ? '¼' : f === 0.125 ? '⅛' : f.toFixed(2));

function s2Row(level: S2Level, n: string): string[] {
  const l = level.latency[n]!;
  const steps = level.steps[n] ?? [];
  const sum = (f: (x: (typeof steps)[number]) => number) => steps.reduce((a, x) => a + f(x), 0);
  const delivered =
    sum((x) => x.expected - x.missing) /
    Math.max(
      1,
      sum((x) => x.expected),
    );
  const mean = (f: (x: (typeof steps)[number]) => number) => sum(f) / Math.max(1, steps.length);
  return [
    num(level.rate),
    label(n),
    ms(l.p50),
    ms(l.p90),
    ms(l.p99),
    ms(l.p999),
    ms(l.max),
    pct(100 * delivered, 2),
    pct(
      mean((x) => x.serverCpuPct ?? 0),
      0,
    ),
    pct(
      mean((x) => x.clientCpuPct),
      0,
    ),
    // Absent from results written before the generator measured its own loop.
    ms(steps.some((x) => x.clientLoopMaxMs === undefined) ? undefined : Math.max(0, ...steps.map((x) => x.clientLoopMaxMs))),
  ];
}

export function s3Table(r: Results, goals: Goal[]): Table[] {
  const s = r.s3;
  if (!s) return [];
  const rows = Object.entries(s.levels).flatMap(([n, levels]) =>
    levels.map((l) => [
      label(n),
      num(l.connections),
      num(l.rssMb),
      num(l.rssPerConnKb, 1),
      l.heapPerConnKb === undefined ? '–' : num(l.heapPerConnKb, 1),
      pct(l.idleCpuPct, 2),
      num(l.connectSeconds, 1),
      num(l.dropped),
    ]),
  );
  const notes: string[] = [];
  for (const [i, l] of (s.levels.rooms ?? []).entries()) {
    const a = s.levels.relay?.[i]?.rssPerConnKb;
    const b = s.levels.socketio?.[i]?.rssPerConnKb;
    const va = verdict(ratio(l.rssPerConnKb, a), 1.2, true);
    const vb = verdict(ratio(l.rssPerConnKb, b), 0.7, true);
    notes.push(
      `${num(l.connections)} connections — Rooms / (a): ${times(ratio(l.rssPerConnKb, a))} (goal ≤ 1.2×: ${va.text}); Rooms / (b): ${times(ratio(l.rssPerConnKb, b))} (goal ≤ 0.7×: ${vb.text})`,
    );
    goals.push({
      scenario: `S3 ${num(l.connections)}`,
      goal: 'RSS per idle connection ≤ 1.2× (a)',
      measured: times(ratio(l.rssPerConnKb, a)),
      met: va.met,
    });
    goals.push({
      scenario: `S3 ${num(l.connections)}`,
      goal: 'RSS per idle connection ≤ 0.7× (b)',
      measured: times(ratio(l.rssPerConnKb, b)),
      met: vb.met,
    });
  }
  notes.push(
    `Base RSS before any connection: ${Object.entries(s.baseRssMb)
      .map(([n, v]) => `${label(n)} ${num(v)} MB`)
      .join(', ')}; per-connection figures are the growth over it.`,
  );
  return [
    {
      chart: 's3',
      title: 'S3 idle connections (rooms of 100 members)',
      header: [
        'target',
        'connections',
        'RSS MB',
        'RSS KB / connection',
        'of which JS heap KB',
        'idle CPU (one core)',
        'connect s',
        'dropped',
      ],
      rows,
      notes,
    },
  ];
}

export function s4Table(r: Results, goals: Goal[]): Table[] {
  const s = r.s4;
  if (!s) return [];
  const rows = Object.entries(s.byTarget).map(([n, t]) => [
    label(n),
    num(t.clients),
    num(t.reconnected),
    ms(t.resumedP50Ms),
    ms(t.resumedP99Ms),
    ms(t.resumedMaxMs),
    num(t.step.acked),
    num(t.step.missing),
    num(t.step.duplicates),
    num(t.step.skipped),
    num(t.failedReconnects),
  ]);
  const rooms = s.byTarget.rooms;
  if (rooms) {
    goals.push({
      scenario: 'S4',
      goal: '0 lost, 0 duplicated',
      measured: `${rooms.step.missing} lost, ${rooms.step.duplicates} duplicated`,
      met: rooms.step.missing === 0 && rooms.step.duplicates === 0,
    });
    goals.push({
      scenario: 'S4',
      goal: '99 % resumed within 10 s of the restart',
      measured: `${ms(rooms.resumedP99Ms)} ms`,
      met: rooms.resumedP99Ms <= 10_000 && rooms.reconnected >= 0.99 * rooms.clients,
    });
  }
  return [
    {
      chart: 's4',
      title: `S4 reconnect storm: ${gridName(s.grid)}, ${num(s.rate)} msg/s, SIGKILL, back after ${num(s.downMs)} ms, clients return with 0–${num(s.jitterMs)} ms jitter`,
      header: [
        'target',
        'clients',
        'reconnected',
        'resumed p50 ms',
        '99 % resumed ms',
        'last ms',
        'acked msgs',
        'lost deliveries',
        'duplicates',
        'sends skipped (offline)',
        'refused attempts',
      ],
      rows,
      notes: [
        'Times count from the moment the restarted server listens. Lost: deliveries of acked messages a member never received. The baselines have no resume: whatever was sent while a member was away is lost to it.',
      ],
    },
  ];
}

export function s5Table(r: Results, goals: Goal[]): Table[] {
  if (!r.s5?.length) return [];
  const depths = r.s5[0]!.history.map((h) => h.depth);
  const rows = r.s5.map((d) => {
    const flat = ratio(d.history.at(-1)?.latency.p99, d.history[0]?.latency.p99);
    const v = verdict(flat, 1.5, true);
    goals.push({
      scenario: `S5 ${d.database}`,
      goal: `history p99 at depth ${num(d.history.at(-1)?.depth)} ≤ 1.5× depth 0`,
      measured: times(flat),
      met: v.met,
    });
    return [
      d.database,
      `${num(d.seeded)} (${num(d.seedSeconds)} s)`,
      ...d.history.map((h) => `${ms(h.latency.p50)} / ${ms(h.latency.p99)}`),
      v.text,
      `${ms(d.send.ack.p50)} / ${ms(d.send.ack.p99)}`,
      `${ms(d.send.latency.p99)}`,
    ];
  });
  return [
    {
      chart: 's5',
      title: 'S5 storage (Rooms only): history pages of 50 and send→ack',
      header: [
        'database',
        'messages seeded (time)',
        ...depths.map((d) => `history p50 / p99 ms at depth ${num(d)}`),
        'p99 deepest / depth 0 (goal ≤ 1.5×)',
        `send→ack p50 / p99 ms at ${num(r.s5[0]!.sendRate)} msg/s`,
        'delivery p99 ms',
      ],
      rows,
      notes: [
        `Half the messages are in one room (the deep one: ${num(r.s5[0]!.deepRoomMessages)}); pages start at a random seq in [depth, depth + 1000) from the newest; one request at a time, the depths interleaved after a warm-up.`,
      ],
    },
  ];
}

/** Every step of every S1 grid, for the appendix. */
export function s1StepTables(r: Results): Table[] {
  return (r.s1 ?? []).map((g) => ({
    title: `S1 ${gridName(g.grid)}: every step`,
    header: [
      'target',
      'msg/s',
      'offered deliveries/s',
      'delivered/s',
      'p50',
      'p99',
      'p99.9',
      'max',
      'delivered',
      'dup',
      'missing',
      'closed',
      'server CPU',
      'CPU ms/1k',
      'loop p99',
      'RSS MB',
      'load-gen CPU',
      'pass',
    ],
    rows: Object.entries(g.steps).flatMap(([n, steps]) =>
      [...steps]
        .sort((a, b) => a.rate - b.rate)
        .map((s) => [
          label(n),
          num(s.rate),
          num(s.offeredDeliveriesPerSec),
          num(s.deliveredPerSec),
          ms(s.latency.p50),
          ms(s.latency.p99),
          ms(s.latency.p999),
          ms(s.latency.max),
          pct(100 * s.deliveryRatio, 2),
          num(s.duplicates),
          num(s.missing),
          num(s.closed),
          pct(s.serverCpuPct, 0),
          num(s.cpuMsPer1k, 1),
          ms(s.loopP99Ms),
          num(s.rssMb),
          pct(s.clientCpuPct, 0),
          s.passed ? '✓' : '✗',
        ]),
    ),
    notes: [],
  }));
}
