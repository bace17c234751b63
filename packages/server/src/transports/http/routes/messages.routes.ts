import {
  EditMessageBody,
  IdParams,
  MessageListQuery,
  PageQuery,
  MessagePage,
  MessageView,
  PinList,
  ReactionBody,
  ReactionGroup,
  ReactionParams,
  ReactorList,
  ReadBody,
  ReaderList,
  ReadState,
  SendMessageBody,
} from '@rooms/protocol';
import { z } from 'zod';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import type { MessagesService } from '../../../services/messages/messages.service.ts';
import type { PinsService } from '../../../services/messages/pins.service.ts';
import type { ReactionsService } from '../../../services/messages/reactions.service.ts';
import type { ReadsService } from '../../../services/messages/reads.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

export interface MessageServices {
  messages: MessagesService;
  reactions: ReactionsService;
  pins: PinsService;
  reads: ReadsService;
}

export function messageRoutes(app: HttpApp, s: MessageServices, accounts: AccountsService): void {
  const common = { onRequest: requireAuth(accounts) };
  const tags = ['messages'];
  const security = BEARER;

  app.get(
    '/rooms/:id/messages',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Newest first; before= / after= take a message id or a seq.',
        params: IdParams,
        querystring: MessageListQuery,
        response: { 200: MessagePage },
      },
    },
    async (req) => s.messages.list(actorOf(req), req.params.id, req.query),
  );

  app.post(
    '/rooms/:id/messages',
    {
      ...common,
      schema: {
        tags,
        security,
        description: '201 when stored; 200 with the original when client_id was already used by you.',
        params: IdParams,
        body: SendMessageBody,
        response: { 200: MessageView, 201: MessageView },
      },
    },
    async (req, reply) => {
      const { message, created } = await s.messages.send(actorOf(req), req.params.id, req.body);
      return reply.code(created ? 201 : 200).send(message);
    },
  );

  app.get('/messages/:id', { ...common, schema: { tags, security, params: IdParams, response: { 200: MessageView } } }, async (req) =>
    s.messages.get(actorOf(req), req.params.id),
  );

  app.put(
    '/messages/:id',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'The sender, within 15 minutes.',
        params: IdParams,
        body: EditMessageBody,
        response: { 200: MessageView },
      },
    },
    async (req) => s.messages.edit(actorOf(req), req.params.id, req.body.content),
  );

  app.delete(
    '/messages/:id',
    { ...common, schema: { tags, security, description: 'The sender or a room admin; leaves a "[deleted]" tombstone.', params: IdParams } },
    async (req, reply) => {
      await s.messages.delete(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/messages/:id/reactions',
    {
      ...common,
      schema: {
        tags,
        security,
        params: IdParams,
        body: ReactionBody,
        response: { 200: z.object({ reactions: z.array(ReactionGroup) }), 201: z.object({ reactions: z.array(ReactionGroup) }) },
      },
    },
    async (req, reply) => {
      const { reactions, added } = await s.reactions.add(actorOf(req), req.params.id, req.body.emoji);
      return reply.code(added ? 201 : 200).send({ reactions });
    },
  );

  app.get(
    '/messages/:id/reactions',
    {
      ...common,
      schema: { tags, security, description: 'Who reacted with each emoji.', params: IdParams, response: { 200: ReactorList } },
    },
    async (req) => s.reactions.reactors(actorOf(req), req.params.id),
  );

  app.delete('/messages/:id/reactions/:emoji', { ...common, schema: { tags, security, params: ReactionParams } }, async (req, reply) => {
    await s.reactions.remove(actorOf(req), req.params.id, req.params.emoji);
    return reply.code(204).send();
  });

  app.get(
    '/messages/:id/readers',
    { ...common, schema: { tags, security, params: IdParams, querystring: PageQuery, response: { 200: ReaderList } } },
    async (req) => s.reads.readers(actorOf(req), req.params.id, req.query),
  );

  app.post(
    '/rooms/:id/read',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Moves my read point forward (never back).',
        params: IdParams,
        body: ReadBody,
        response: { 200: ReadState },
      },
    },
    async (req) => s.reads.markRead(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/rooms/:id/pins',
    { ...common, schema: { tags, security, params: IdParams, querystring: PageQuery, response: { 200: PinList } } },
    async (req) => s.pins.list(actorOf(req), req.params.id, req.query),
  );

  app.post('/messages/:id/pin', { ...common, schema: { tags, security, params: IdParams } }, async (req, reply) => {
    await s.pins.pin(actorOf(req), req.params.id);
    return reply.code(204).send();
  });

  app.delete('/messages/:id/pin', { ...common, schema: { tags, security, params: IdParams } }, async (req, reply) => {
    await s.pins.unpin(actorOf(req), req.params.id);
    return reply.code(204).send();
  });
}
