/**
 * The baselines' /metrics: event-loop delay p99 and max in the same names and units as Rooms'
 * prom-client metrics, reset at each scrape as prom-client does, so one scraper serves all targets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

export function loopMetricsHandler(): (req: IncomingMessage, res: ServerResponse) => void {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  return (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const s = (ns: number) => (ns / 1e9).toFixed(6);
    const body = `nodejs_eventloop_lag_p99_seconds ${s(h.percentile(99))}\nnodejs_eventloop_lag_max_seconds ${s(h.max)}\n`;
    h.reset();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  };
}

/** Reads p99 and max event-loop delay (ms) from a Prometheus text page (any prefix); Rooms answers only with its METRICS_TOKEN. */
export async function scrapeLoopDelay(baseUrl: string, token?: string): Promise<{ p99: number; max: number } | undefined> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {})).text();
    const read = (name: string) =>
      Number(new RegExp(`^\\w*nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
    const p99 = read('p99');
    const max = read('max');
    // monitorEventLoopDelay (prom-client uses it too) records whole timer intervals: take off its 10 ms resolution.
    return Number.isFinite(p99) ? { p99: Math.max(0, p99 - RESOLUTION_MS), max: Math.max(0, max - RESOLUTION_MS) } : undefined;
  } catch {
    return undefined;
  }
}
