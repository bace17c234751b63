import { IdParams, MarkedCount, NotificationListQuery, NotificationPage } from '@rooms/protocol';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import type { NotificationsService } from '../../../services/notifications/notifications.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

export function notificationRoutes(app: HttpApp, notifications: NotificationsService, accounts: AccountsService): void {
  const common = { onRequest: requireAuth(accounts) };
  const tags = ['notifications'];
  const security = BEARER;

  app.get(
    '/notifications',
    { ...common, schema: { tags, security, querystring: NotificationListQuery, response: { 200: NotificationPage } } },
    async (req) => notifications.list(actorOf(req), req.query),
  );

  app.patch('/notifications/read-all', { ...common, schema: { tags, security, response: { 200: MarkedCount } } }, async (req) =>
    notifications.markAllRead(actorOf(req)),
  );

  app.patch('/notifications/:id/read', { ...common, schema: { tags, security, params: IdParams } }, async (req, reply) => {
    await notifications.markRead(actorOf(req), req.params.id);
    return reply.code(204).send();
  });
}
