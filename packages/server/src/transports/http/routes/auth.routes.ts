import { AccountChoice, AuthResult, ErrorResponse, LoginBody, MeView, SignupBody, WsTicket } from '@rooms/protocol';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

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
    async (req, reply) => reply.code(201).send(await accounts.signup(req.body, req.ip)),
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
      const result = await accounts.login(req.body, req.ip);
      if (result.kind === 'choose') {
        return reply.code(300).send({ message: 'Several accounts match: log in with one of these usernames.', accounts: result.accounts });
      }
      return reply.send(result.session);
    },
  );

  app.get('/auth/me', { onRequest: auth, schema: { tags, security: BEARER, response: { 200: MeView } } }, async (req) => accounts.me(actorOf(req)));

  app.post(
    '/auth/logout-all',
    { onRequest: auth, schema: { tags, security: BEARER, description: 'Signs out every other session; the caller gets a fresh token.', response: { 200: AuthResult } } },
    async (req) => accounts.logoutAll(actorOf(req)),
  );

  app.post(
    '/auth/ws-ticket',
    { onRequest: auth, schema: { tags, security: BEARER, description: 'A one-time ticket (30 s) for the WebSocket handshake.', response: { 201: WsTicket } } },
    async (req, reply) => reply.code(201).send(await accounts.createWsTicket(actorOf(req))),
  );
}
