import { AuditPage, AuditQuery, DeactivateUserBody, IdParams } from '@rooms/protocol';
import type { Services } from '../../../services/index.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

/**
 * Server administration over the API (issue 19): what `rooms admin deactivate` does, and the
 * moderation audit log. Server admins only: anyone else gets 403 forbidden (as for broadcasts).
 * Room moderation by server admins goes through the rooms' own routes (members, bans, messages).
 */
export function adminRoutes(app: HttpApp, s: Pick<Services, 'accounts' | 'audit'>): void {
  const common = { onRequest: requireAuth(s.accounts) };
  const admin = { tags: ['admin'], security: BEARER };

  app.post(
    '/admin/users/:id/deactivate',
    {
      ...common,
      schema: {
        ...admin,
        description:
          'Server admins: deactivate an account (hidden, every session and socket ended, purged after DEACTIVATION_DAYS unless its owner logs in again). 204 also when it already was.',
        params: IdParams,
        body: DeactivateUserBody,
      },
    },
    async (req, reply) => {
      await s.accounts.deactivateByAdmin(actorOf(req), req.params.id, req.body?.reason);
      return reply.code(204).send();
    },
  );

  app.get(
    '/admin/audit',
    {
      ...common,
      schema: {
        ...admin,
        description: 'Server admins: the moderation audit log, newest first, filtered by room, actor or action.',
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (req) => {
      const q = req.query;
      return s.audit.list(actorOf(req), { roomId: q.room_id, actorId: q.actor_id, action: q.action }, { limit: q.limit, cursor: q.cursor });
    },
  );
}
