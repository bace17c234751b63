import type { MeView, ProfileUpdate } from '@rooms/protocol';
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LoginGuard } from '../../ports/login-guard.ts';
import type { Store } from '../../store/store.ts';
import type { UserRow } from '../../store/types.ts';
import { isActive } from '../users/active-user.ts';
import { applyProfileUpdate } from '../users/profile-update.ts';
import { toMe } from '../users/user-presenter.ts';
import type { PasswordHasher } from './passwords.ts';
import type { TokenService } from './tokens.ts';
import { profileChanged } from '../../events/events.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const TICKET_TTL_MS = 30_000;

export interface AccountsDeps {
  store: Store;
  hasher: PasswordHasher;
  tokens: TokenService;
  loginGuard: LoginGuard;
  clock: Clock;
  bus: EventBus;
  deactivationDays: number;
}

export interface Session {
  token: string;
  expires_at: string;
  user: MeView;
}

export type LoginResult =
  | { kind: 'session'; session: Session }
  | { kind: 'choose'; accounts: { id: string; username: string; display_name: string }[] };

export interface SignupInput extends ProfileUpdate {
  username: string;
  email: string;
  password: string;
  setup_token?: string | undefined;
  invite_code?: string | undefined;
}

const invalidCredentials = () => new DomainError('invalid_credentials', 'Wrong username, email or password.');
const hashTicket = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

/** Sign-up, log-in, tokens and the account's own security settings. */
export class AccountsService {
  private readonly d: AccountsDeps;

  constructor(deps: AccountsDeps) {
    this.d = deps;
  }

  /** Creates an account (the first one is a server admin) and signs it in. */
  async signup(input: SignupInput): Promise<Session> {
    const { username, email, password, setup_token: _setup, invite_code: _invite, ...profile } = input;
    const passwordHash = await this.d.hasher.hash(password);
    const id = newId();
    try {
      await this.d.store.transaction(async (tx) => {
        await tx.users.insert({
          id,
          username,
          email,
          password_hash: passwordHash,
          display_name: profile.display_name ?? username,
          avatar_url: null,
          bio: null,
          website: null,
          status_message: null,
          created_at: this.nowIso(),
        });
        await applyProfileUpdate(tx, id, profile);
      });
    } catch (err) {
      throw await this.whyTaken(err, username);
    }
    return this.sessionFor(await this.load(id));
  }

  /**
   * Logs in by username or email. Every failure looks the same (no account enumeration), and each
   * (identifier, IP) pair gets maxFailures consecutive tries before a block.
   */
  async login(input: { username?: string | undefined; email?: string | undefined; password: string }, ip: string): Promise<LoginResult> {
    const key = `${ip}|${input.username !== undefined ? `u:${input.username}` : `e:${input.email}`}`;
    const permit = await this.d.loginGuard.begin(key);
    if (!permit.allowed) {
      throw new DomainError('login_blocked', 'Too many failed logins. Try again later.', { retryAfterSeconds: permit.retryAfterSeconds });
    }
    let matches: UserRow[];
    try {
      matches = await this.matchingAccounts(input);
    } catch (err) {
      await this.d.loginGuard.fail(key);
      throw err;
    }
    if (matches.length === 0) {
      await this.d.loginGuard.fail(key);
      throw invalidCredentials();
    }
    await this.d.loginGuard.succeed(key);
    if (matches.length > 1) {
      return { kind: 'choose', accounts: matches.map((u) => ({ id: u.id, username: u.username!, display_name: u.display_name })) };
    }
    const user = matches[0]!;
    // Logging in during the grace period cancels a deactivation.
    const reactivate = user.deactivated_at !== null ? { deactivated_at: null, purge_after: null } : {};
    const updated = await this.d.store.users.update(user.id, { ...reactivate, last_seen: this.nowIso() });
    // Its name and avatar show again wherever it appears: caches of its row must forget the hidden one.
    if (user.deactivated_at !== null) await this.d.bus.publish(profileChanged(user.id));
    return { kind: 'session', session: await this.sessionFor(updated ?? user) };
  }

  /** The account behind a token, or 401: expired, revoked by a token-version bump, or gone. */
  async authenticate(token: string, ip: string): Promise<Actor> {
    const claims = await this.d.tokens.verify(token);
    const user = await this.d.store.users.findById(claims.userId);
    if (!user || !isActive(user)) throw new DomainError('unauthenticated', 'The token is not valid.');
    if (user.token_version !== claims.tokenVersion) throw new DomainError('token_revoked', 'This session was signed out. Log in again.');
    return { id: user.id, isAdmin: user.is_admin, tokenVersion: user.token_version, ip };
  }

  async me(actor: Actor): Promise<MeView> {
    return this.present(await this.load(actor.id));
  }

  /** Signs out every session of the account but the caller's, which gets a fresh token. */
  async logoutAll(actor: Actor): Promise<Session> {
    const version = await this.d.store.users.bumpTokenVersion(actor.id);
    await this.revoked(actor.id, version);
    return this.sessionFor(await this.load(actor.id));
  }

  /** A one-time ticket for browsers that cannot set headers on a WebSocket handshake; valid 30 s. */
  async createWsTicket(actor: Actor): Promise<{ ticket: string; expires_at: string }> {
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.d.clock.now().getTime() + TICKET_TTL_MS).toISOString();
    await this.d.store.tickets.create(hashTicket(ticket), actor.id, expiresAt);
    return { ticket, expires_at: expiresAt };
  }

  /** Uses a ticket up and returns its account, or 401. */
  async redeemWsTicket(ticket: string, ip: string): Promise<Actor> {
    const userId = await this.d.store.tickets.consume(hashTicket(ticket), this.nowIso());
    const user = userId ? await this.d.store.users.findById(userId) : undefined;
    if (!user || !isActive(user)) throw new DomainError('ticket_invalid', 'The ticket is not valid or has expired.');
    return { id: user.id, isAdmin: user.is_admin, tokenVersion: user.token_version, ip };
  }

  /** Needs the current password; signs out every other session. */
  async changePassword(actor: Actor, current: string, next: string): Promise<Session> {
    const user = await this.checkPassword(actor, current);
    if (await this.d.hasher.verify(next, user.password_hash)) throw new DomainError('same_value', 'The new password must differ from the current one.');
    await this.resetPassword(actor.id, next);
    return this.sessionFor(await this.load(actor.id));
  }

  async changeEmail(actor: Actor, email: string, password: string): Promise<MeView> {
    const user = await this.checkPassword(actor, password);
    if (user.email === email) throw new DomainError('same_value', 'That is already your email.');
    return this.present((await this.d.store.users.update(actor.id, { email }))!);
  }

  async changeUsername(actor: Actor, username: string): Promise<MeView> {
    const user = await this.load(actor.id);
    if (user.username === username) throw new DomainError('same_value', 'That is already your username.');
    let updated: UserRow;
    try {
      updated = (await this.d.store.users.update(actor.id, { username }))!;
    } catch (err) {
      throw await this.whyTaken(err, username);
    }
    await this.d.bus.publish(profileChanged(actor.id));
    return this.present(updated);
  }

  /** Hides the account at once, signs it out everywhere, and schedules its purge. */
  async deactivate(actor: Actor, password: string): Promise<void> {
    await this.checkPassword(actor, password);
    await this.deactivateAccount(actor.id);
  }

  /** An operator's deactivation (`rooms admin deactivate`): as deactivate, without the password. */
  async deactivateAccount(userId: string): Promise<void> {
    const now = this.d.clock.now();
    const version = await this.d.store.transaction(async (tx) => {
      await tx.users.update(userId, {
        deactivated_at: now.toISOString(),
        purge_after: new Date(now.getTime() + this.d.deactivationDays * DAY_MS).toISOString(),
      });
      return tx.users.bumpTokenVersion(userId);
    });
    await this.revoked(userId, version, true);
  }

  /** An operator sets a new password (`rooms admin reset-password`); every session of the account ends. */
  async resetPassword(userId: string, password: string): Promise<void> {
    const hash = await this.d.hasher.hash(password);
    const version = await this.d.store.transaction(async (tx) => {
      await tx.users.update(userId, { password_hash: hash });
      return tx.users.bumpTokenVersion(userId);
    });
    await this.revoked(userId, version);
  }

  /** Purges accounts whose grace period is over; returns how many. Run by the periodic job. */
  async purgeDeactivated(batch = 100): Promise<number> {
    let purged = 0;
    for (;;) {
      const ids = await this.d.store.users.listPurgeable(this.nowIso(), batch);
      for (const id of ids) await this.d.store.transaction((tx) => tx.users.purge(id, this.nowIso()));
      purged += ids.length;
      if (ids.length < batch) return purged;
    }
  }

  /**
   * A username in use by a deactivated account is not free either, but its owner may still come
   * back: say it is reserved (until the purge frees it) rather than taken. Other errors pass through.
   */
  private async whyTaken(err: unknown, username: string): Promise<unknown> {
    if (!(err instanceof DomainError) || err.code !== 'username_taken') return err;
    const holder = await this.d.store.users.findByUsername(username);
    if (!holder || holder.deactivated_at === null || holder.deleted_at !== null) return err;
    return new DomainError(
      'username_reserved',
      `That username belongs to a deactivated account: it stays reserved until the account is deleted, at most ${this.d.deactivationDays} days after its deactivation.`,
    );
  }

  /** Live connections holding an older token version are closed, on every node. */
  private revoked(userId: string, tokenVersion: number, deactivated = false): Promise<void> {
    return this.d.bus.publish({ kind: 'user', user_id: userId, type: 'session_revoked', data: { token_version: tokenVersion, deactivated } });
  }

  private async matchingAccounts(input: { username?: string | undefined; email?: string | undefined; password: string }): Promise<UserRow[]> {
    const candidates = input.username !== undefined
      ? [await this.d.store.users.findByUsername(input.username)].filter((u): u is UserRow => u !== undefined)
      : await this.d.store.users.findByEmail(input.email!);
    const live = candidates.filter((u) => u.deleted_at === null);
    if (live.length === 0) {
      await this.d.hasher.verifyNothing(input.password);
      return [];
    }
    const ok = await Promise.all(live.map((u) => this.d.hasher.verify(input.password, u.password_hash)));
    return live.filter((_, i) => ok[i]);
  }

  /** Checks the caller's password, with the same per-IP lockout as login so it cannot be guessed here either. */
  private async checkPassword(actor: Actor, password: string): Promise<UserRow> {
    const key = `${actor.ip}|id:${actor.id}`;
    const permit = await this.d.loginGuard.begin(key);
    if (!permit.allowed) throw new DomainError('login_blocked', 'Too many wrong passwords. Try again later.', { retryAfterSeconds: permit.retryAfterSeconds });
    const user = await this.load(actor.id);
    if (!(await this.d.hasher.verify(password, user.password_hash))) {
      await this.d.loginGuard.fail(key);
      throw new DomainError('wrong_password', 'The password is wrong.');
    }
    await this.d.loginGuard.succeed(key);
    return user;
  }

  private async load(id: string): Promise<UserRow> {
    const u = await this.d.store.users.findById(id);
    if (!u) throw new DomainError('user_not_found', 'No such user.');
    return u;
  }

  private async sessionFor(user: UserRow): Promise<Session> {
    const { token, expiresAt } = await this.d.tokens.issue({ userId: user.id, tokenVersion: user.token_version });
    return { token, expires_at: expiresAt, user: await this.present(user) };
  }

  private async present(user: UserRow): Promise<MeView> {
    const [profile, counts] = await Promise.all([this.d.store.users.getProfile(user.id), this.d.store.follows.counts(user.id)]);
    return toMe(user, { profile, counts, today: this.d.clock.now() });
  }

  private nowIso(): string {
    return this.d.clock.now().toISOString();
  }
}
