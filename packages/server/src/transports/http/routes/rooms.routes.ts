import {
  UserRefBody,
  CreateRoomBody,
  IdParams,
  MyRoomsQuery,
  NotificationLevelBody,
  PublicRoomsQuery,
  RoomFlagsBody,
  RoomList,
  RoomPreview,
  RoomPreviewPage,
  RoomView,
  UpdateRoomBody,
} from '@rooms/protocol';
import { z } from 'zod';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import type { RoomsService } from '../../../services/rooms/rooms.service.ts';
import type { UsersService } from '../../../services/users/users.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

export function roomRoutes(app: HttpApp, rooms: RoomsService, accounts: AccountsService, users: UsersService): void {
  const common = { onRequest: requireAuth(accounts) };
  const tags = ['rooms'];
  const security = BEARER;

  app.get(
    '/rooms',
    {
      ...common,
      schema: {
        tags,
        security,
        description:
          'My rooms, most recent activity first, with unread counts; a page at a time (follow next_cursor). A room created or written to while you page moves to the front: it never comes twice.',
        querystring: MyRoomsQuery,
        response: { 200: RoomList },
      },
    },
    async (req) => rooms.listMine(actorOf(req), req.query),
  );

  app.get(
    '/rooms/public',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Discover public rooms by name and category.',
        querystring: PublicRoomsQuery,
        response: { 200: RoomPreviewPage },
      },
    },
    async (req) => rooms.listPublic(actorOf(req), req.query),
  );

  app.post('/rooms', { ...common, schema: { tags, security, body: CreateRoomBody, response: { 201: RoomView } } }, async (req, reply) =>
    reply.code(201).send(await rooms.create(actorOf(req), req.body)),
  );

  app.get(
    '/rooms/:id',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Members see the room; others see a public room’s discovery fields; private rooms are 404 to outsiders.',
        params: IdParams,
        response: { 200: z.union([RoomView, RoomPreview]) },
      },
    },
    async (req) => rooms.get(actorOf(req), req.params.id),
  );

  app.put(
    '/rooms/:id',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Room admins edit settings.',
        params: IdParams,
        body: UpdateRoomBody,
        response: { 200: RoomView },
      },
    },
    async (req) => rooms.update(actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/rooms/:id',
    { ...common, schema: { tags, security, description: 'The owner deletes the room.', params: IdParams } },
    async (req, reply) => {
      await rooms.delete(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.put(
    '/rooms/:id/flags',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Server admins: featured (promoted) and archived (read-only).',
        params: IdParams,
        body: RoomFlagsBody,
        response: { 200: RoomPreview },
      },
    },
    async (req) => rooms.setFlags(actorOf(req), req.params.id, req.body),
  );

  app.post('/rooms/:id/join', { ...common, schema: { tags, security, params: IdParams, response: { 200: RoomView } } }, async (req) =>
    rooms.join(actorOf(req), req.params.id),
  );

  app.post(
    '/rooms/:id/leave',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'An owner transfers ownership first, unless they are the last member (the room is then deleted).',
        params: IdParams,
      },
    },
    async (req, reply) => {
      await rooms.leave(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.put(
    '/rooms/:id/notifications',
    { ...common, schema: { tags, security, params: IdParams, body: NotificationLevelBody } },
    async (req, reply) => {
      await rooms.setNotificationLevel(actorOf(req), req.params.id, req.body.level);
      return reply.code(204).send();
    },
  );

  app.post(
    '/direct/:userId',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Opens (201) or returns (200) the one direct room with this user.',
        params: z.strictObject({ userId: z.uuid() }),
        response: { 200: RoomView, 201: RoomView },
      },
    },
    async (req, reply) => {
      const { room, created } = await rooms.openDirect(actorOf(req), req.params.userId);
      return reply.code(created ? 201 : 200).send(room);
    },
  );

  app.post(
    '/direct',
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'Open a direct room by username or id',
        description: 'Opens (201) or returns (200) the one direct room with the user named by user_id or username (exactly one).',
        body: UserRefBody,
        response: { 200: RoomView, 201: RoomView },
      },
    },
    async (req, reply) => {
      const { room, created } = await rooms.openDirect(actorOf(req), await users.resolve(req.body));
      return reply.code(created ? 201 : 200).send(room);
    },
  );
}
