import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { AccountsService } from '../../services/accounts/accounts.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** The bearer token of a request, if any. */
export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

/** onRequest hook (before the body is read or validated) for every endpoint but signup and login: 401 unless the token is valid and current. */
export function requireAuth(accounts: AccountsService) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(req);
    if (!token) throw new DomainError('unauthenticated', 'Sign in first: send "Authorization: Bearer <token>".');
    req.actor = await accounts.authenticate(token, req.ip);
  };
}

/** The actor of an authenticated route (set by requireAuth). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new DomainError('unauthenticated', 'Sign in first.');
  return req.actor;
}
