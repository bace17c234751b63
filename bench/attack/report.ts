/** One line of the attack table per attack, and the table itself. */
import type { Tally } from './http.ts';
import type { ProbeSummary } from './probe.ts';

export interface Row {
  /** "a1", "d2"... */
  id: string;
  attack: string;
  /** The settings it ran with: "defaults", or the ones changed. */
  limits: string;
  /** What `sent` counts. */
  unit: 'req' | 'frames' | 'conns';
  tally: Tally;
  /** GET /auth/me of a signed-in user before the attack (quiet) and during it. */
  quiet?: ProbeSummary | undefined;
  during?: ProbeSummary | undefined;
  /** What happened, with the goal where there is one. */
  outcome: string[];
  /** Raw figures for the JSON file. */
  figures?: Record<string, unknown>;
}

const n = (v: number) => v.toLocaleString('en');
const ms = (v: number) => (v < 10 ? v.toFixed(1) : v.toFixed(0));
/** Seconds or milliseconds, whichever reads better. */
export const dur = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s` : `${ms(v)} ms`);

function latency(r: Row): string {
  if (!r.during) return '–';
  const q = r.quiet ? `${ms(r.quiet.p50)} / ${ms(r.quiet.p99)} → ` : '';
  const notes = [
    ...(r.during.failed ? [`${n(r.during.failed)} failed`] : []),
    ...(r.during.unanswered ? [`${n(r.during.unanswered)} unanswered at the end`] : []),
  ];
  return `${q}${dur(r.during.p50)} / ${dur(r.during.p99)}${notes.length ? ` (of ${n(r.during.count)}: ${notes.join(', ')})` : ''}`;
}

export function renderTable(title: string, rows: Row[]): string {
  const header = [
    'attack',
    'limits',
    'sent',
    '2xx/3xx',
    '4xx',
    '429',
    '503',
    'other 5xx',
    'no answer',
    '/auth/me p50 / p99 ms: quiet → during',
    'outcome',
  ];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const body = rows.map((r) =>
    line([
      `${r.id} ${r.attack}`,
      r.limits,
      `${n(r.tally.sent)} ${r.unit}`,
      n(r.tally.ok),
      n(r.tally.client),
      n(r.tally.limited),
      n(r.tally.shed),
      r.tally.server ? `**${n(r.tally.server)}**` : '0',
      n(r.tally.none),
      latency(r),
      r.outcome.join('; '),
    ]),
  );
  return [`### ${title}`, '', line(header), line(header.map(() => '---')), ...body, ''].join('\n');
}
