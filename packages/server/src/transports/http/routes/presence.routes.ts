import { BroadcastBody, BroadcastResult, PresenceList, PresenceQuery } from '@rooms/protocol';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import type { BroadcastService } from '../../../services/realtime/broadcast.service.ts';
import type { PresenceService } from '../../../services/realtime/presence.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

/** Who is around (the terminal's who / last N / active N) and server-wide announcements. */
export function presenceRoutes(app: HttpApp, presence: PresenceService, broadcasts: BroadcastService, accounts: AccountsService): void {
  const common = { onRequest: requireAuth(accounts) };
  const tags = ['presence'];
  const security = BEARER;

  app.get(
    '/presence',
    {
      ...common,
      schema: {
        tags,
        security,
        description:
          'state=online: users connected now; state=connected&minutes=N: users whose latest connection opened in the last N minutes; state=active&minutes=N: users active in the last N minutes.',
        querystring: PresenceQuery,
        response: { 200: PresenceList },
      },
    },
    async (req) => presence.list(actorOf(req), req.query),
  );

  app.post(
    '/broadcasts',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Server admins: an announcement every online user receives as a `broadcast` event (not stored).',
        body: BroadcastBody,
        response: { 200: BroadcastResult },
      },
    },
    async (req) => broadcasts.send(actorOf(req), req.body.content),
  );
}
