/** Small dependency-free SVG charts for the report: grouped bars and lines (log scales optional). */

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948'];
const W = 640;
const H = 320;
const M = { top: 36, right: 16, bottom: 56, left: 64 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (v >= 1e6 ? `${+(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${+(v / 1e3).toFixed(1)}k` : `${+v.toPrecision(3)}`);

interface Scale {
  at: (v: number) => number;
  ticks: number[];
}

function scale(min: number, max: number, from: number, to: number, log: boolean): Scale {
  if (log) {
    const lo = Math.floor(Math.log10(Math.max(min, 1e-3)));
    const hi = Math.ceil(Math.log10(Math.max(max, min * 10, 1e-3)));
    const at = (v: number) => from + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / Math.max(1, hi - lo)) * (to - from);
    return { at, ticks: Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i)) };
  }
  const top = max <= 0 ? 1 : max * 1.1;
  const step = 10 ** Math.floor(Math.log10(top / 4));
  const unit = [1, 2, 5, 10].map((k) => k * step).find((s) => top / s <= 6) ?? step * 10;
  return { at: (v) => from + (v / top) * (to - from), ticks: Array.from({ length: Math.floor(top / unit) + 1 }, (_, i) => i * unit) };
}

const colorOf = (s: { color?: string }, i: number) => s.color ?? COLORS[i % COLORS.length]!;

function frame(title: string, yLabel: string, y: Scale, body: string, legend: { name: string; color?: string }[]): string {
  const grid = y.ticks
    .map(
      (t) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${y.at(t)}" y2="${y.at(t)}" stroke="#ddd"/><text x="${M.left - 6}" y="${y.at(t) + 4}" text-anchor="end">${fmt(t)}</text>`,
    )
    .join('');
  const keys = legend
    .map(
      (l, i) =>
        `<rect x="${M.left + i * 150}" y="${H - 18}" width="10" height="10" fill="${colorOf(l, i)}"/><text x="${M.left + 14 + i * 150}" y="${H - 9}">${esc(l.name)}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">` +
    `<rect width="${W}" height="${H}" fill="white"/><text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>` +
    `<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>${grid}${body}${keys}</svg>`
  );
}

/** Grouped bars: one group per label, one bar per series. */
export function barChart(o: {
  title: string;
  yLabel: string;
  groups: string[];
  series: { name: string; color?: string; values: (number | undefined)[] }[];
  log?: boolean;
}): string {
  const values = o.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && v > 0));
  const y = scale(Math.min(...values, 1), Math.max(...values, 1), H - M.bottom, M.top, o.log ?? false);
  const gw = (W - M.left - M.right) / Math.max(1, o.groups.length);
  const bw = (gw * 0.8) / Math.max(1, o.series.length);
  let body = '';
  o.groups.forEach((g, gi) => {
    const x0 = M.left + gi * gw + gw * 0.1;
    o.series.forEach((s, si) => {
      const v = s.values[gi];
      if (v === undefined) return;
      const top = y.at(Math.max(v, o.log ? 1e-3 : 0));
      body += `<rect x="${x0 + si * bw}" y="${top}" width="${bw - 2}" height="${Math.max(0, H - M.bottom - top)}" fill="${colorOf(s, si)}"><title>${esc(s.name)}: ${fmt(v)}</title></rect>`;
      body += `<text x="${x0 + si * bw + bw / 2}" y="${top - 3}" text-anchor="middle" font-size="9">${fmt(v)}</text>`;
    });
    body += `<text x="${x0 + gw * 0.4}" y="${H - M.bottom + 14}" text-anchor="middle">${esc(g)}</text>`;
  });
  return frame(o.title, o.yLabel, y, body, o.series);
}

/** Lines over a log x axis (offered load), optionally log y, with an optional horizontal limit line. */
export function lineChart(o: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: { name: string; color?: string; points: [number, number][] }[];
  logY?: boolean;
  limit?: number;
}): string {
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1])).concat(o.limit ?? []);
  const x = scale(Math.min(...xs), Math.max(...xs, 10), M.left, W - M.right, true);
  const y = scale(Math.min(...ys, 1), Math.max(...ys, 1), H - M.bottom, M.top, o.logY ?? false);
  let body = x.ticks.map((t) => `<text x="${x.at(t)}" y="${H - M.bottom + 14}" text-anchor="middle">${fmt(t)}</text>`).join('');
  body += `<text x="${(M.left + W - M.right) / 2}" y="${H - M.bottom + 30}" text-anchor="middle">${esc(o.xLabel)}</text>`;
  if (o.limit !== undefined)
    body += `<line x1="${M.left}" x2="${W - M.right}" y1="${y.at(o.limit)}" y2="${y.at(o.limit)}" stroke="#c00" stroke-dasharray="4 3"/>`;
  o.series.forEach((s, i) => {
    const c = colorOf(s, i);
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    body += `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map(([px, py]) => `${x.at(px)},${y.at(py)}`).join(' ')}"/>`;
    body += pts
      .map(
        ([px, py]) =>
          `<circle cx="${x.at(px)}" cy="${y.at(py)}" r="3" fill="${c}"><title>${esc(s.name)}: ${fmt(px)} → ${fmt(py)}</title></circle>`,
      )
      .join('');
  });
  return frame(o.title, o.yLabel, y, body, o.series);
}
