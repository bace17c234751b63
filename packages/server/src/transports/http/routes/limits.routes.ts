import { ServerLimitsView, type ServerLimits } from '@rooms/protocol';
import type { HttpApp } from '../types.ts';

/** GET /limits: the server's configured limits (SPEC §12), for clients' hints and counters; public, as a sign-up form needs them. */
export function limitsRoutes(app: HttpApp, limits: ServerLimits): void {
  app.get('/limits', { schema: { tags: ['server'], response: { 200: ServerLimitsView } } }, async () => limits);
}
