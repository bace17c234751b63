import { IdParams, LIMITS } from '@rooms/protocol';
import { z } from 'zod';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import type { NotificationsService } from '../../../services/notifications/notifications.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

const NotificationView = z.object({
  id: z.uuid(),
  type: z.enum(['mention', 'reply', 'room_invite', 'direct_message']),
  room_id: z.uuid().nullable(),
  message_id: z.uuid().nullable(),
  actor: z.object({ id: z.uuid(), username: z.string().nullable(), display_name: z.string(), avatar_url: z.string().nullable(), deleted: z.boolean() }).nullable(),
  payload: z.unknown(),
  created_at: z.iso.datetime(),
  read_at: z.iso.datetime().nullable(),
});

const Counts = { unread_count: z.number().int(), unread_by_room: z.record(z.string(), z.number().int()) };

export function notificationRoutes(app: HttpApp, notifications: NotificationsService, accounts: AccountsService): void {
  const common = { preHandler: requireAuth(accounts) };
  const tags = ['notifications'];
  const security = BEARER;

  app.get(
    '/notifications',
    {
      ...common,
      schema: {
        tags,
        security,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(LIMITS.page.max).default(LIMITS.page.default),
          cursor: z.string().max(200).optional(),
          unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
        }),
        response: { 200: z.object({ items: z.array(NotificationView), next_cursor: z.string().nullable(), ...Counts }) },
      },
    },
    async (req) => notifications.list(actorOf(req), req.query),
  );

  app.patch('/notifications/read-all', { ...common, schema: { tags, security, response: { 200: z.object({ marked: z.number().int() }) } } }, async (req) => notifications.markAllRead(actorOf(req)));

  app.patch('/notifications/:id/read', { ...common, schema: { tags, security, params: IdParams } }, async (req, reply) => {
    await notifications.markRead(actorOf(req), req.params.id);
    return reply.code(204).send();
  });
}
