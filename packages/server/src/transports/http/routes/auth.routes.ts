import {
  AccountChoice,
  AuthResult,
  CLIENT_NAME_HEADER,
  ErrorResponse,
  IdParams,
  LoginBody,
  MeView,
  SessionList,
  SignupBody,
  WsTicket,
} from '@rooms/protocol';
import type { FastifyRequest } from 'fastify';
import type { AccountsService, ClientInfo } from '../../../services/accounts/accounts.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

/** Where a login comes from: its address, its User-Agent and the name the client gives itself. */
const clientInfo = (req: FastifyRequest): ClientInfo => {
  const name = req.headers[CLIENT_NAME_HEADER];
  return { ip: req.ip, userAgent: req.headers['user-agent'], client: typeof name === 'string' ? name : undefined };
};

export function authRoutes(app: HttpApp, accounts: AccountsService): void {
  const auth = requireAuth(accounts);
  const tags = ['auth'];

  app.post(
    '/auth/signup',
    {
      schema: {
        tags,
        description:
          'Creates an account and signs it in. On a fresh server the first account (its admin) needs `setup_token`, printed in the server log at start. SIGNUP=invite needs `invite_code` (the account joins that room); SIGNUP=closed refuses (403 signup_closed). Limited per IP (429).',
        body: SignupBody,
        response: { 201: AuthResult, 403: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await accounts.signup(req.body, req.ip, clientInfo(req))),
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags,
        description:
          'Log in by username or email. 300 when several accounts share the email and the password matches more than one: log in again by username. 429 when the account is locked out from this address, or this address made too many attempts; 503 when the server is too busy checking passwords (both with Retry-After).',
        body: LoginBody,
        response: { 200: AuthResult, 300: AccountChoice, 401: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (req, reply) => {
      const result = await accounts.login(req.body, req.ip, clientInfo(req));
      if (result.kind === 'choose') {
        return reply.code(300).send({ message: 'Several accounts match: log in with one of these usernames.', accounts: result.accounts });
      }
      return reply.send(result.session);
    },
  );

  app.get('/auth/me', { onRequest: auth, schema: { tags, security: BEARER, response: { 200: MeView } } }, async (req) =>
    accounts.me(actorOf(req)),
  );

  app.post(
    '/auth/logout-all',
    {
      onRequest: auth,
      schema: {
        tags,
        security: BEARER,
        description: 'Signs out every other session; the caller gets a fresh token.',
        response: { 200: AuthResult },
      },
    },
    async (req) => accounts.logoutAll(actorOf(req)),
  );

  // Sessions (issue 19): end this one, list mine, end another.
  app.post(
    '/auth/logout',
    {
      onRequest: auth,
      schema: {
        tags,
        security: BEARER,
        description: "Ends this token's session on the server: the token stops working and the session's WebSockets close, on every node.",
      },
    },
    async (req, reply) => {
      await accounts.logout(actorOf(req));
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/sessions',
    {
      onRequest: auth,
      schema: {
        tags,
        security: BEARER,
        description:
          "My sessions (one per login, until it expires or is ended), the most recently used first; `current` is this token's. Last use is recorded to the minute.",
        response: { 200: SessionList },
      },
    },
    async (req) => ({ sessions: await accounts.listSessions(actorOf(req)) }),
  );

  app.delete(
    '/auth/sessions/:id',
    {
      onRequest: auth,
      schema: {
        tags,
        security: BEARER,
        description:
          'Ends one of my sessions (any, this one included): its token stops working and its WebSockets close at once, on every node.',
        params: IdParams,
      },
    },
    async (req, reply) => {
      await accounts.revokeSession(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/ws-ticket',
    {
      onRequest: auth,
      schema: { tags, security: BEARER, description: 'A one-time ticket (30 s) for the WebSocket handshake.', response: { 201: WsTicket } },
    },
    async (req, reply) => reply.code(201).send(await accounts.createWsTicket(actorOf(req))),
  );
}
