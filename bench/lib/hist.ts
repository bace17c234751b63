/** Latency histograms (HDR, microsecond resolution, 3 significant digits) and their summary. */
import hdr from 'hdr-histogram-js';

export type Histogram = ReturnType<typeof hdr.build>;

/** Values are microseconds; up to 10 minutes is tracked exactly enough (3 digits). */
export const newHistogram = (): Histogram =>
  hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });

export interface Latency {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Percentiles in milliseconds. */
export function summarize(h: Histogram): Latency {
  const ms = (us: number) => Math.round(us) / 1000;
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  };
}

/** Records a latency given in (fractional) milliseconds. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

/** Percentiles over several histograms together (rounds of the same measurement). */
export function mergeLatency(hs: Histogram[]): Latency {
  const all = newHistogram();
  for (const h of hs) all.add(h);
  return summarize(all);
}
