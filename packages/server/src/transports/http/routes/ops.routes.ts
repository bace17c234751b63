import type { Metrics } from '../../../observability/metrics.ts';
import type { HttpApp } from '../types.ts';

/** Liveness, readiness and Prometheus metrics, for operators and load balancers. */
export function opsRoutes(app: HttpApp, deps: { metrics: Metrics; ready: () => Promise<void> }): void {
  const hide = { hide: true, tags: ['ops'] };
  app.get('/healthz', { schema: hide, logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: hide, logLevel: 'warn' }, async (req, reply) => {
    try {
      await deps.ready();
      return { status: 'ready' };
    } catch (err) {
      req.log.warn({ err }, 'not ready');
      return reply.code(503).send({ error: { code: 'unavailable', message: 'A dependency is not answering.' } });
    }
  });

  app.get('/metrics', { schema: hide, logLevel: 'warn' }, async (_req, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
}
