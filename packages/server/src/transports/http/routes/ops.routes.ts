import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../../domain/errors.ts';
import type { Metrics } from '../../../observability/metrics.ts';
import { bearerToken } from '../auth.ts';
import type { HttpApp } from '../types.ts';

/** Liveness, readiness and Prometheus metrics, for operators and load balancers. */
export function opsRoutes(app: HttpApp, deps: { metrics: Metrics; metricsToken: string | undefined; ready: () => Promise<void> }): void {
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

  // The metrics tell the server's load, routes and versions to whoever asks: only with a token, and
  // without one not at all (404, as any unknown path).
  if (deps.metricsToken === undefined) return;
  app.get('/metrics', { schema: hide, logLevel: 'warn', onRequest: requireToken(deps.metricsToken) }, async (_req, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
}

/** onRequest hook: 401 unless the request carries `Authorization: Bearer <token>`. */
function requireToken(token: string) {
  // Digests have one length whatever was sent, so the comparison takes the same time for any guess.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(token);
  return async (req: FastifyRequest): Promise<void> => {
    const given = bearerToken(req);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new DomainError('unauthenticated', 'Send "Authorization: Bearer <METRICS_TOKEN>".');
    }
  };
}
