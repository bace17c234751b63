import type { ServerLimits } from '@rooms/protocol';
import { LoginBody } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { Services } from '../../services/index.ts';
import type { NamespaceRequest } from './precheck.ts';
import { R } from './results.ts';

/** One reply frame: `{"result": string, ...}`. */
export type Reply = { result: string } & Record<string, unknown>;

/** Ends a request early with its reply (a missing field, a failed authentication). */
export class Early extends Error {
  readonly reply: Reply;
  constructor(reply: Reply) {
    super(reply.result);
    this.reply = reply;
  }
}

/** Stops the request with this reply. */
export const answer = (result: string, extra: Record<string, unknown> = {}): never => {
  throw new Early({ result, ...extra });
};

/** What a handler gets: the services, the checked request, the caller's address, and authentication. */
export interface Context {
  services: Services;
  /** The server's configured limits (the protocol's "length less than N" strings name them). */
  limits: ServerLimits;
  request: NamespaceRequest;
  ip: string;
  /** The account the request's username (or email) and password open, or an Early reply. */
  authenticate(opts?: { reactivate?: boolean }): Promise<Actor>;
}

export function createContext(services: Services, request: NamespaceRequest, ip: string, limits: ServerLimits): Context {
  return { services, limits, request, ip, authenticate: (opts) => authenticate(services, request, ip, opts?.reactivate ?? false) };
}

/**
 * Re-authenticates a request as the original did each time, through the accounts service's login
 * check (its lockout and per-IP bounds included) without a session: by username, or by email when
 * the username is empty. Unlike the original, an unknown username is a wrong password like any
 * other (Rooms never tells whether an account exists) and never a crash; a deactivated account
 * is `account exists: false` to every namespace but /login, whose success cancels the deactivation.
 */
async function authenticate(services: Services, request: NamespaceRequest, ip: string, reactivate: boolean): Promise<Actor> {
  const { username, email, password } = request.account;
  if (!username && !email) return answer(R.accountExistsFalse);
  const parsed = LoginBody.safeParse(username ? { username, password } : { email, password });
  // A password or name no account can have (empty, too long): a failed login, without a hash.
  if (!parsed.success) return answer(R.accessDenied);
  const found = await services.accounts.checkCredentials(parsed.data, ip, { reactivate });
  if (found.kind === 'choose') {
    const address = parsed.data.email ?? parsed.data.username ?? '';
    return answer(R.multipleAccounts, {
      account: found.accounts.map((a) => ({ _id: a.id, username: a.username, email: address, displayName: a.display_name })),
    });
  }
  if (found.deactivated) return answer(R.accountExistsFalse);
  return found.actor;
}

/** Runs a service call and answers with the protocol's string for the refusals listed; others go on up. */
export async function translating<T>(call: Promise<T>, refusals: Partial<Record<string, string>>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    const result = isDomainError(err) ? refusals[err.code] : undefined;
    if (result !== undefined) return answer(result);
    throw err;
  }
}
