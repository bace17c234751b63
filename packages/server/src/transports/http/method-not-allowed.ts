import { isApiPath } from '@rooms/protocol';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { HttpApp } from './types.ts';

type Handler = (req: FastifyRequest, reply: FastifyReply) => unknown;

/** A route's path as a pattern over a request path: `:param` is one segment. Wildcard routes (the web app's) are left out. */
const patternOf = (url: string): RegExp | undefined =>
  url.includes('*')
    ? undefined
    : new RegExp(
        `^${url
          .split('/')
          .map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('/')}/?$`,
      );

/**
 * RFC 9110: a method the path does not take is 405 with `Allow`, not 404. Every route is recorded as
 * it is added (call before registering routes); the not-found handler, wrapped by `orNotFound`,
 * answers 405 when an API path exists under other methods, and otherwise what it answered before.
 */
export function recordRoutes(app: HttpApp): { orNotFound: (fallback: Handler) => Handler } {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const pattern = patternOf(route.url);
    if (pattern) routes.push({ pattern, methods: [route.method].flat().map(String) });
  });
  const allowed = (path: string): string[] => {
    const methods = new Set<string>();
    for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) methods.add(m);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
  return {
    orNotFound: (fallback) => (req, reply) => {
      const path = req.url.split('?', 1)[0] ?? '/';
      const methods = isApiPath(path) ? allowed(path) : [];
      if (methods.length === 0 || methods.includes(req.method)) return fallback(req, reply);
      return reply
        .code(405)
        .header('allow', methods.join(', '))
        .send({
          error: { code: 'method_not_allowed', message: `${req.method} is not allowed here; this path takes ${methods.join(', ')}.` },
        });
    },
  };
}
