import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per app (tests start several apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rooms_' });
  const httpDuration = new Histogram({
    name: 'rooms_http_request_duration_seconds',
    help: 'HTTP request duration by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const connectionsRefused = new Counter({
    name: 'rooms_connections_refused_total',
    help: 'TCP connections refused as they arrived: per_ip (MAX_CONNECTIONS_PER_IP) or server_full (near the open-file limit).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, connectionsRefused };
}

export type Metrics = ReturnType<typeof createMetrics>;
