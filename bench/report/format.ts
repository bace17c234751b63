/** Number formatting and ratio helpers shared by the tables. */
import type { Table } from './results.ts';

export const num = (v: number | undefined, digits = 0): string =>
  v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const ms = (v: number | undefined): string =>
  v === undefined ? '–' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
export const pct = (v: number | undefined, digits = 1): string => (v === undefined ? '–' : `${v.toFixed(digits)} %`);
export const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;
export const times = (r: number | undefined): string => (r === undefined || !Number.isFinite(r) ? '–' : `${r.toFixed(2)}×`);

/** "✓" or "✗ (short by N %)" for a ratio that must be ≥ goal (or ≤ goal when atMost). */
export function verdict(r: number | undefined, goal: number, atMost = false): { text: string; met: boolean | undefined } {
  if (r === undefined || !Number.isFinite(r)) return { text: 'n/a', met: undefined };
  const met = atMost ? r <= goal : r >= goal;
  if (met) return { text: `✓ (${times(r)} vs ${atMost ? '≤' : '≥'} ${goal}×)`, met };
  const off = atMost ? (r / goal - 1) * 100 : (1 - r / goal) * 100;
  return { text: `✗ ${times(r)}: ${atMost ? 'over' : 'short of'} ${goal}× by ${off.toFixed(0)} %`, met };
}

export function markdownTable(t: Table): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const body = [line(t.header), line(t.header.map(() => '---')), ...t.rows.map(line)].join('\n');
  return `${t.title ? `### ${t.title}\n\n` : ''}${body}\n${t.notes.length ? `\n${t.notes.map((n) => `- ${n}`).join('\n')}\n` : ''}`;
}
