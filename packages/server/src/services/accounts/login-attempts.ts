import { DomainError } from '../../domain/errors.ts';
import type { LoginGuard } from '../../ports/login-guard.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import type { Store } from '../../store/store.ts';
import type { UserRow } from '../../store/types.ts';
import type { PasswordHasher } from './passwords.ts';

export interface LoginAttemptsDeps {
  store: Store;
  hasher: PasswordHasher;
  loginGuard: LoginGuard;
  /** Login attempts per IP, whatever the account. */
  loginIpRate: RateLimiter;
  /** Accounts sharing an email that one login by that email checks (each costs a bcrypt). */
  emailLoginMaxAccounts: number;
}

export interface LoginInput {
  username?: string | undefined;
  email?: string | undefined;
  password: string;
}

/** Counts one attempt of ip, or refuses with 429 and when to retry. */
export async function limitPerIp(limiter: RateLimiter, ip: string, message: string): Promise<void> {
  const hit = await limiter.hit(ip);
  if (!hit.allowed) throw new DomainError('rate_limited', message, { retryAfterSeconds: hit.retryAfterSeconds });
}

/**
 * A wrong username, email or password, as every failed login looks. It also says whether this
 * failure started the lockout: a protocol whose clients were told so on the failure itself (the
 * TCP gateway: the simple chatroom's third WRONG_PASSWORD) can say it; REST shows nothing more.
 */
export class LoginFailed extends DomainError {
  readonly startedBlock: boolean;

  constructor(startedBlock: boolean) {
    super('invalid_credentials', 'Wrong username, email or password.');
    this.startedBlock = startedBlock;
  }
}

/**
 * The password check of a login, inside every bound a login flood meets: attempts per IP; each
 * account gets maxFailures consecutive tries per IP before a block, whichever identifier was
 * typed, and a made-up identifier is counted and blocked the same way (the lockout reveals
 * nothing); a login by email checks at most emailLoginMaxAccounts of the accounts sharing it; the
 * hashing itself waits in the password line (and may be shed). Every failure looks the same.
 */
export class LoginAttempts {
  private readonly d: LoginAttemptsDeps;

  constructor(deps: LoginAttemptsDeps) {
    this.d = deps;
  }

  /** The accounts the password opens (more than one: accounts sharing the email); throws why not. */
  async open(input: LoginInput, ip: string): Promise<UserRow[]> {
    await limitPerIp(this.d.loginIpRate, ip, 'Too many login attempts from your address. Try again later.');
    const candidates = await this.candidates(input);
    const identifier = input.username !== undefined ? `u:${input.username}` : `e:${input.email}`;
    const keys = candidates.length > 0 ? candidates.map((u) => `${ip}|id:${u.id}`) : [`${ip}|${identifier}`];
    await this.reserve(keys);
    let ok: boolean[];
    try {
      ok =
        candidates.length > 0
          ? await this.d.hasher.verifyEach(
              input.password,
              candidates.map((u) => u.password_hash),
              ip,
            )
          : [await this.d.hasher.verifyNothing(input.password, ip)];
    } catch (err) {
      // Not checked (the server was too busy): the attempt is given back.
      await Promise.all(keys.map((k) => this.d.loginGuard.release(k)));
      throw err;
    }
    const matches = candidates.filter((_, i) => ok[i]);
    if (matches.length === 0) {
      const blocked = await Promise.all(keys.map((k) => this.d.loginGuard.fail(k)));
      throw new LoginFailed(blocked.some(Boolean));
    }
    // The accounts the password opened start afresh; a sibling it did not open is left as it was.
    await Promise.all(keys.map((k, i) => (ok[i] ? this.d.loginGuard.succeed(k) : this.d.loginGuard.release(k))));
    return matches;
  }

  /** The accounts a login names: one by username, or the most recently seen few sharing an email. */
  private async candidates(input: LoginInput): Promise<UserRow[]> {
    const found =
      input.username !== undefined
        ? [await this.d.store.users.findByUsername(input.username)].filter((u): u is UserRow => u !== undefined)
        : await this.d.store.users.findByEmail(input.email!, this.d.emailLoginMaxAccounts);
    return found.filter((u) => u.deleted_at === null);
  }

  /** Reserves an attempt on every key, or none: one blocked key refuses the login. */
  private async reserve(keys: string[]): Promise<void> {
    const permits = await Promise.all(keys.map((k) => this.d.loginGuard.begin(k)));
    const refused = permits.find((p) => !p.allowed);
    if (!refused || refused.allowed) return;
    await Promise.all(keys.map((k, i) => (permits[i]!.allowed ? this.d.loginGuard.release(k) : undefined)));
    throw new DomainError('login_blocked', 'Too many failed logins. Try again later.', { retryAfterSeconds: refused.retryAfterSeconds });
  }
}
