import {
  AddMemberBody,
  BanBody,
  BanList,
  ChangeRoleBody,
  CreateInviteBody,
  IdParams,
  Invite,
  InviteCodeParams,
  InviteList,
  InvitePreview,
  Member,
  MemberPage,
  MuteBody,
  PageQuery,
  RoomMemberParams,
  RoomView,
  TransferBody,
} from '@rooms/protocol';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import type { InvitesService } from '../../../services/rooms/invites.service.ts';
import type { MembersService } from '../../../services/rooms/members.service.ts';
import type { UsersService } from '../../../services/users/users.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

export function memberRoutes(
  app: HttpApp,
  members: MembersService,
  invites: InvitesService,
  accounts: AccountsService,
  users: UsersService,
): void {
  const common = { onRequest: requireAuth(accounts) };
  const tags = ['members'];
  const security = BEARER;

  app.get(
    '/rooms/:id/members',
    { ...common, schema: { tags, security, params: IdParams, querystring: PageQuery, response: { 200: MemberPage } } },
    async (req) => members.list(actorOf(req), req.params.id, req.query.limit, req.query.cursor),
  );

  app.post(
    '/rooms/:id/members',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Room admins add a user, by user_id or username (201, or 200 if already a member).',
        params: IdParams,
        body: AddMemberBody,
        response: { 200: Member, 201: Member },
      },
    },
    async (req, reply) => {
      const { member, created } = await members.add(actorOf(req), req.params.id, await users.resolve(req.body));
      return reply.code(created ? 201 : 200).send(member);
    },
  );

  app.delete('/rooms/:id/members/:userId', { ...common, schema: { tags, security, params: RoomMemberParams } }, async (req, reply) => {
    await members.remove(actorOf(req), req.params.id, req.params.userId);
    return reply.code(204).send();
  });

  app.patch(
    '/rooms/:id/members/:userId/role',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'The owner makes members admins or back.',
        params: RoomMemberParams,
        body: ChangeRoleBody,
        response: { 200: Member },
      },
    },
    async (req) => members.changeRole(actorOf(req), req.params.id, req.params.userId, req.body.role),
  );

  app.patch(
    '/rooms/:id/members/:userId',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Room admins mute (optionally until a time) or unmute.',
        params: RoomMemberParams,
        body: MuteBody,
        response: { 200: Member },
      },
    },
    async (req) => members.mute(actorOf(req), req.params.id, req.params.userId, req.body.muted, req.body.muted_until),
  );

  app.post(
    '/rooms/:id/transfer',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'The owner hands the room over and becomes an admin.',
        params: IdParams,
        body: TransferBody,
        response: { 200: Member },
      },
    },
    async (req) => members.transfer(actorOf(req), req.params.id, req.body.user_id),
  );

  app.post('/rooms/:id/bans', { ...common, schema: { tags, security, params: IdParams, body: BanBody } }, async (req, reply) => {
    await members.ban(actorOf(req), req.params.id, await users.resolve(req.body), req.body.reason);
    return reply.code(204).send();
  });

  app.get(
    '/rooms/:id/bans',
    { ...common, schema: { tags, security, params: IdParams, querystring: PageQuery, response: { 200: BanList } } },
    async (req) => members.listBans(actorOf(req), req.params.id, req.query),
  );

  app.delete('/rooms/:id/bans/:userId', { ...common, schema: { tags, security, params: RoomMemberParams } }, async (req, reply) => {
    await members.unban(actorOf(req), req.params.id, req.params.userId);
    return reply.code(204).send();
  });

  const inviteTags = ['invites'];
  app.post(
    '/rooms/:id/invites',
    { ...common, schema: { tags: inviteTags, security, params: IdParams, body: CreateInviteBody, response: { 201: Invite } } },
    async (req, reply) => reply.code(201).send(await invites.create(actorOf(req), req.params.id, req.body)),
  );

  app.get(
    '/rooms/:id/invites',
    {
      ...common,
      schema: {
        tags: inviteTags,
        security,
        description: "Room admins list the room's usable invites (not revoked, expired or used up), newest first.",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: InviteList },
      },
    },
    async (req) => invites.list(actorOf(req), req.params.id, req.query),
  );

  // No session needed: the code is the secret (about 49 bits), and an invite link opened before
  // signing up must show where it leads. It tells no more than what accepting it would.
  app.get(
    '/invites/:code',
    {
      schema: {
        tags: inviteTags,
        description: 'Where a code leads (no session needed). Expired, used-up and revoked codes answer 410 with the reason.',
        params: InviteCodeParams,
        response: { 200: InvitePreview },
      },
    },
    async (req) => invites.preview(req.params.code),
  );

  app.post(
    '/invites/:code/accept',
    { ...common, schema: { tags: inviteTags, security, params: InviteCodeParams, response: { 200: RoomView, 201: RoomView } } },
    async (req, reply) => {
      const { room, joined } = await invites.accept(actorOf(req), req.params.code);
      return reply.code(joined ? 201 : 200).send(room);
    },
  );

  app.delete('/invites/:code', { ...common, schema: { tags: inviteTags, security, params: InviteCodeParams } }, async (req, reply) => {
    await invites.revoke(actorOf(req), req.params.code);
    return reply.code(204).send();
  });
}
