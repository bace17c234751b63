import {
  AuthResult,
  ChangeEmailBody,
  ChangePasswordBody,
  BlockList,
  ChangeUsernameBody,
  IdParams,
  MeView,
  PageQuery,
  PasswordBody,
  ProfileUpdate,
  UserPage,
  UserRefBody,
  UserSearchQuery,
  UsernameParams,
  UserView,
} from '@rooms/protocol';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import type { BlocksService } from '../../../services/users/blocks.service.ts';
import type { UsersService } from '../../../services/users/users.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

export function userRoutes(app: HttpApp, users: UsersService, accounts: AccountsService, blocks: BlocksService): void {
  const common = { onRequest: requireAuth(accounts) };
  const tags = ['users'];
  const security = BEARER;

  app.get(
    '/users/search',
    { ...common, schema: { tags, security, querystring: UserSearchQuery, response: { 200: UserPage } } },
    async (req) => users.search(actorOf(req), req.query.q, req.query),
  );

  app.get(
    '/users/by-name/:username',
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'A user by username',
        description:
          'The profile of the active account with this username (case-insensitive), as GET /users/{id} shows it; 404 user_not_found otherwise.',
        params: UsernameParams,
        response: { 200: UserView },
      },
    },
    async (req) => users.getByName(actorOf(req), req.params.username),
  );

  app.get('/users/:id', { ...common, schema: { tags, security, params: IdParams, response: { 200: UserView } } }, async (req) =>
    users.get(actorOf(req), req.params.id),
  );

  app.patch('/users/me', { ...common, schema: { tags, security, body: ProfileUpdate, response: { 200: MeView } } }, async (req) =>
    users.updateMe(actorOf(req), req.body),
  );

  app.delete(
    '/users/me',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Deactivate: hidden at once, purged after the grace period unless you log in again.',
        body: PasswordBody,
      },
    },
    async (req, reply) => {
      await accounts.deactivate(actorOf(req), req.body.password);
      return reply.code(204).send();
    },
  );

  app.put(
    '/users/me/username',
    { ...common, schema: { tags, security, body: ChangeUsernameBody, response: { 200: MeView } } },
    async (req) => accounts.changeUsername(actorOf(req), req.body.username),
  );

  app.put(
    '/users/me/password',
    {
      ...common,
      schema: {
        tags,
        security,
        description: 'Signs out every other session; the caller gets a fresh token.',
        body: ChangePasswordBody,
        response: { 200: AuthResult },
      },
    },
    async (req) => accounts.changePassword(actorOf(req), req.body.current_password, req.body.new_password),
  );

  app.put('/users/me/email', { ...common, schema: { tags, security, body: ChangeEmailBody, response: { 200: MeView } } }, async (req) =>
    accounts.changeEmail(actorOf(req), req.body.email, req.body.password),
  );

  app.post('/users/:id/follow', { ...common, schema: { tags, security, params: IdParams } }, async (req, reply) => {
    await users.follow(actorOf(req), req.params.id);
    return reply.code(204).send();
  });

  app.delete('/users/:id/follow', { ...common, schema: { tags, security, params: IdParams } }, async (req, reply) => {
    await users.unfollow(actorOf(req), req.params.id);
    return reply.code(204).send();
  });

  app.get(
    '/users/:id/followers',
    { ...common, schema: { tags, security, params: IdParams, querystring: PageQuery, response: { 200: UserPage } } },
    async (req) => users.followers(actorOf(req), req.params.id, req.query.limit, req.query.cursor),
  );

  app.get(
    '/users/:id/following',
    { ...common, schema: { tags, security, params: IdParams, querystring: PageQuery, response: { 200: UserPage } } },
    async (req) => users.following(actorOf(req), req.params.id, req.query.limit, req.query.cursor),
  );

  app.get(
    '/users/me/blocks',
    { ...common, schema: { tags, security, querystring: PageQuery, response: { 200: BlockList } } },
    async (req) => blocks.list(actorOf(req), req.query),
  );

  app.post(
    '/users/me/blocks',
    {
      ...common,
      schema: {
        tags,
        security,
        summary: 'Block a user by username or id',
        description:
          'Blocks the user named by user_id or username (exactly one): they cannot open a direct room with you or message you there. 204.',
        body: UserRefBody,
      },
    },
    async (req, reply) => {
      await blocks.block(actorOf(req), await users.resolve(req.body));
      return reply.code(204).send();
    },
  );

  app.post(
    '/users/:id/block',
    {
      ...common,
      schema: { tags, security, description: 'A blocked user cannot open a direct room with you or message you there.', params: IdParams },
    },
    async (req, reply) => {
      await blocks.block(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.delete('/users/:id/block', { ...common, schema: { tags, security, params: IdParams } }, async (req, reply) => {
    await blocks.unblock(actorOf(req), req.params.id);
    return reply.code(204).send();
  });
}
