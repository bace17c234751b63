import { DirectSendResult, IdParams, SendMessageBody, UsernameParams } from '@rooms/protocol';
import type { Services } from '../../../services/index.ts';
import type { DirectSendResult as Sent } from '../../../services/messages/direct-send.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

const SEND_DESCRIPTION =
  'Sends a message to a person: opens the direct room with them if there is none (room_created), or sends into the one there is (listing it again for whoever had hidden it). ' +
  'Every rule of POST /rooms/{id}/messages holds (blocks, rate limit, content, attachments); a refused send opens nothing. 201 when stored; 200 with the original when client_id was already used by you.';

/**
 * Direct messages addressed to a person, and hiding direct rooms from one's own list (issue 19).
 * Thin: DirectSendService and RoomVisibilityService hold the rules.
 */
export function directRoutes(app: HttpApp, s: Pick<Services, 'accounts' | 'users' | 'directSend' | 'roomVisibility'>): void {
  const common = { onRequest: requireAuth(s.accounts) };
  const security = BEARER;
  const answer = (sent: Sent) => ({
    status: sent.created ? (201 as const) : (200 as const),
    body: { room_id: sent.room_id, room_created: sent.room_created, message: sent.message },
  });
  const response = { 200: DirectSendResult, 201: DirectSendResult };

  app.post(
    '/users/:id/messages',
    {
      ...common,
      schema: {
        tags: ['messages'],
        security,
        summary: 'Send a message to a user',
        description: SEND_DESCRIPTION,
        params: IdParams,
        body: SendMessageBody,
        response,
      },
    },
    async (req, reply) => {
      const { status, body } = answer(await s.directSend.sendToUser(actorOf(req), req.params.id, req.body));
      return reply.code(status).send(body);
    },
  );

  app.post(
    '/users/by-name/:username/messages',
    {
      ...common,
      schema: {
        tags: ['messages'],
        security,
        summary: 'Send a message to a user by username',
        description: SEND_DESCRIPTION,
        params: UsernameParams,
        body: SendMessageBody,
        response,
      },
    },
    async (req, reply) => {
      const userId = await s.users.resolve({ username: req.params.username });
      const { status, body } = answer(await s.directSend.sendToUser(actorOf(req), userId, req.body));
      return reply.code(status).send(body);
    },
  );

  const hideDescription =
    'Direct rooms only (a group room answers 403 not_allowed_here: leave it instead). Only your own list changes: the other person, the room and its messages are untouched. ' +
    'A hidden room comes back to your list with the next message in it (from either side), when you open it again (POST /direct) or with DELETE. 204, also when nothing changed.';
  app.post(
    '/rooms/:id/hide',
    {
      ...common,
      schema: { tags: ['rooms'], security, summary: 'Hide a direct room from my list', description: hideDescription, params: IdParams },
    },
    async (req, reply) => {
      await s.roomVisibility.hide(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/rooms/:id/hide',
    {
      ...common,
      schema: {
        tags: ['rooms'],
        security,
        summary: 'Show a hidden direct room in my list again',
        description: hideDescription,
        params: IdParams,
      },
    },
    async (req, reply) => {
      await s.roomVisibility.show(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
}
