import { DEFAULT_SERVER_LIMITS, type MeView, type ProfileUpdate, type ServerLimits } from '@rooms/protocol';
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import { inTransaction } from '../../events/unit-of-work.ts';
import type { LoginGuard } from '../../ports/login-guard.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import type { InvitesService } from '../rooms/invites.service.ts';
import type { Store } from '../../store/store.ts';
import type { SessionRow, UserRow } from '../../store/types.ts';
import { isActive } from '../users/active-user.ts';
import { applyProfileUpdate } from '../users/profile-update.ts';
import { toMe } from '../users/user-presenter.ts';
import { limitPerIp, LoginAttempts, type LoginInput } from './login-attempts.ts';
import type { PasswordHasher } from './passwords.ts';
import { describeDevice, type SessionActivity } from './session-activity.ts';
import type { SignupGate } from './signup-gate.ts';
import type { TokenService } from './tokens.ts';
import { profileChanged } from '../../events/events.ts';
import { publishUserUpdated } from '../users/user-updated.ts';
import { writeAudit } from '../audit/audit.service.ts';
import { checkPassword, checkProfileText, checkUsername } from '../../policies/limits.policy.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const TICKET_TTL_MS = 30_000;

export interface AccountsDeps {
  store: Store;
  hasher: PasswordHasher;
  tokens: TokenService;
  loginGuard: LoginGuard;
  /** Login attempts per IP, whatever the account. */
  loginIpRate: RateLimiter;
  /** Sign-ups per IP. */
  signupIpRate: RateLimiter;
  /** Who may sign up, and the token the first account needs. */
  signupGate: SignupGate;
  invites: InvitesService;
  clock: Clock;
  bus: EventBus;
  deactivationDays: number;
  /** Accounts sharing an email that one login by that email checks (each costs a bcrypt). */
  emailLoginMaxAccounts: number;
  /** Coalesced writes of each session's last use. */
  activity: SessionActivity;
  /** The configured lengths of usernames, passwords and profile text (SPEC §12). */
  limits?: ServerLimits;
}

/** Where a login comes from, as shown in the list of one's sessions. */
export interface ClientInfo {
  ip: string;
  userAgent?: string | undefined;
  /** The name the client gives itself (the SDK's X-Rooms-Client header). */
  client?: string | undefined;
}

/** One of my sessions, as GET /auth/sessions shows it. */
export interface SessionView {
  id: string;
  client: string | null;
  device: string | null;
  ip: string | null;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  current: boolean;
}

export interface Session {
  token: string;
  expires_at: string;
  user: MeView;
}

/** One of the accounts sharing an email that a password opened: log in again by its username. */
export interface AccountChoice {
  id: string;
  username: string;
  display_name: string;
}

export type LoginResult = { kind: 'session'; session: Session } | { kind: 'choose'; accounts: AccountChoice[] };

/** A password check without a session (checkCredentials): the caller, or the accounts of a shared email to choose from. */
export type CredentialCheck = { kind: 'account'; actor: Actor; deactivated: boolean } | { kind: 'choose'; accounts: AccountChoice[] };

export interface SignupInput extends ProfileUpdate {
  username: string;
  email: string;
  password: string;
  setup_token?: string | undefined;
  invite_code?: string | undefined;
}

const hashTicket = (ticket: string) => createHash('sha256').update(ticket).digest('hex');
const signedOut = () => new DomainError('token_revoked', 'This session was signed out. Log in again.');
/** Text a client sent about itself, kept short and on one line. */
const clip = (v: string | undefined, max = 100): string | null => {
  const t = v
    ?.replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, max);
  return t ? t : null;
};

/** Sign-up, log-in, tokens and the account's own security settings. */
export class AccountsService {
  private readonly d: AccountsDeps;
  private readonly attempts: LoginAttempts;

  private get limits(): ServerLimits {
    return this.d.limits ?? DEFAULT_SERVER_LIMITS;
  }

  constructor(deps: AccountsDeps) {
    this.d = deps;
    this.attempts = new LoginAttempts(deps);
  }

  /**
   * Public sign-up (POST /auth/signup): bounded per IP, then the server's sign-up rules (the
   * first account needs the setup token; SIGNUP open, invite or closed), then the account, joined
   * to the invite's room when a code is given, and signed in.
   */
  async signup(input: SignupInput, ip: string, from: ClientInfo = { ip }): Promise<Session> {
    await limitPerIp(this.d.signupIpRate, ip, 'Too many sign-ups from your address. Try again later.');
    const first = await this.needsSetup();
    this.d.signupGate.check({ first, setupToken: input.setup_token, inviteCode: input.invite_code });
    const inviteCode = first ? undefined : input.invite_code;
    // A dead code is refused before the password is hashed.
    if (inviteCode !== undefined) await this.d.invites.check(inviteCode);
    const user = await this.insertAccount(input, { inviteCode, client: ip });
    return this.startSession(user, from);
  }

  /** Creates an account (the first one is a server admin), signed in nowhere: `rooms admin create`. */
  async createAccount(input: SignupInput): Promise<{ user: MeView }> {
    return { user: await this.present(await this.insertAccount(input, {})) };
  }

  private async insertAccount(input: SignupInput, opts: { inviteCode?: string | undefined; client?: string }): Promise<UserRow> {
    const { username, email, password, setup_token: _setup, invite_code: _invite, ...profile } = input;
    const { inviteCode } = opts;
    checkUsername(this.limits, username);
    checkPassword(this.limits, password);
    checkProfileText(this.limits, profile);
    const passwordHash = await this.d.hasher.hash(password, opts.client);
    const id = newId();
    try {
      await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
        await work.tx.users.insert({
          id,
          username,
          email,
          password_hash: passwordHash,
          display_name: profile.display_name ?? username,
          avatar_url: null,
          bio: null,
          website: null,
          status_message: null,
          created_at: work.now,
        });
        await applyProfileUpdate(work.tx, id, profile);
        if (inviteCode !== undefined) await this.d.invites.useIn(work, id, inviteCode);
      });
    } catch (err) {
      throw await this.whyTaken(err, username);
    }
    return this.load(id);
  }

  /** Whether the server still waits for its first account (and so for the setup token). */
  async needsSetup(): Promise<boolean> {
    return !(await this.d.store.users.hasAny());
  }

  /** The setup token while the server has no account (for the operator's eyes: the start-up log), else undefined. */
  async pendingSetupToken(): Promise<string | undefined> {
    return (await this.needsSetup()) ? this.d.signupGate.setupToken : undefined;
  }

  /** Logs in by username or email (see LoginAttempts for the bounds); the accounts of a shared email and password to choose from. */
  async login(input: LoginInput, ip: string, from: ClientInfo = { ip }): Promise<LoginResult> {
    const opened = await this.openAccount(input, ip, true);
    if (Array.isArray(opened)) return { kind: 'choose', accounts: opened };
    return { kind: 'session', session: await this.startSession(opened, from) };
  }

  /**
   * The password check of a login (the same bounds and lockout) without a session: for a gateway
   * whose clients send their password with every request (the namespace protocol). Only a login
   * cancels a deactivation (reactivate), so another request finds the account still deactivated.
   */
  async checkCredentials(input: LoginInput, ip: string, opts: { reactivate: boolean }): Promise<CredentialCheck> {
    const opened = await this.openAccount(input, ip, opts.reactivate);
    if (Array.isArray(opened)) return { kind: 'choose', accounts: opened };
    const actor: Actor = { id: opened.id, isAdmin: opened.is_admin, tokenVersion: opened.token_version, ip };
    return { kind: 'account', actor, deactivated: opened.deactivated_at !== null };
  }

  /** The one account the password opens (reactivated when asked), or the accounts of a shared email to choose from. */
  private async openAccount(input: LoginInput, ip: string, reactivate: boolean): Promise<UserRow | AccountChoice[]> {
    // Most login forms (the terminal client's prompt among them) have one field: a username
    // cannot hold an @, so one that does is the email typed there.
    const byEmail = input.username?.includes('@') ? { email: input.username, password: input.password } : input;
    const matches = await this.attempts.open(byEmail, ip);
    if (matches.length > 1) return matches.map((u) => ({ id: u.id, username: u.username!, display_name: u.display_name }));
    const user = matches[0]!;
    if (!reactivate) return user;
    // Logging in during the grace period cancels a deactivation.
    const reactivated = user.deactivated_at !== null ? { deactivated_at: null, purge_after: null } : {};
    const updated = await this.d.store.users.update(user.id, { ...reactivated, last_seen: this.nowIso() });
    // Its name and avatar show again wherever it appears: caches of its row must forget the hidden one.
    if (user.deactivated_at !== null) await this.d.bus.publish(profileChanged(user.id));
    return updated ?? user;
  }

  /** The account behind a token, or 401: expired, its session ended, revoked by a token-version bump, or gone. */
  async authenticate(token: string, ip: string): Promise<Actor> {
    const claims = await this.d.tokens.verify(token);
    // Both reads at once: the session check adds no round trip to a request.
    const [user, session] = await Promise.all([
      this.d.store.users.findById(claims.userId),
      this.d.store.sessions.find(claims.sessionId, this.nowIso()),
    ]);
    if (!user || !isActive(user)) throw new DomainError('unauthenticated', 'The token is not valid.');
    if (user.token_version !== claims.tokenVersion || !session || session.user_id !== user.id) throw signedOut();
    this.d.activity.used(session);
    return { id: user.id, isAdmin: user.is_admin, tokenVersion: user.token_version, ip, sessionId: session.id };
  }

  /** Ends the caller's session (POST /auth/logout): its token stops working, its sockets close, on every node. */
  async logout(actor: Actor): Promise<void> {
    if (actor.sessionId === undefined) return;
    await this.endSession(actor.id, actor.sessionId);
  }

  /** The caller's sessions, the most recently used first, the caller's own marked current. */
  async listSessions(actor: Actor): Promise<SessionView[]> {
    const rows = await this.d.store.sessions.listForUser(actor.id, this.nowIso());
    return rows.map((r) => ({
      id: r.id,
      client: r.client,
      device: describeDevice(r.user_agent),
      ip: r.ip,
      created_at: r.created_at,
      last_used_at: r.last_used_at,
      expires_at: r.expires_at,
      current: r.id === actor.sessionId,
    }));
  }

  /** Ends one of the caller's sessions (DELETE /auth/sessions/:id); 404 for one that is not the caller's. */
  async revokeSession(actor: Actor, sessionId: string): Promise<void> {
    if (!(await this.endSession(actor.id, sessionId))) throw new DomainError('session_not_found', 'You have no such session.');
  }

  private async endSession(userId: string, sessionId: string): Promise<boolean> {
    const ended = await this.d.store.sessions.delete(userId, sessionId);
    if (ended) await this.d.bus.publish({ kind: 'user', user_id: userId, type: 'session_revoked', data: { session_id: sessionId } });
    return ended;
  }

  async me(actor: Actor): Promise<MeView> {
    return this.present(await this.load(actor.id));
  }

  /** Signs out every session of the account but the caller's, which gets a fresh token. */
  async logoutAll(actor: Actor): Promise<Session> {
    const version = await this.d.store.transaction(async (tx) => {
      await tx.sessions.deleteAllBut(actor.id, actor.sessionId);
      return tx.users.bumpTokenVersion(actor.id);
    });
    await this.revoked(actor.id, version);
    return this.continueSession(await this.load(actor.id), actor);
  }

  /** A one-time ticket for browsers that cannot set headers on a WebSocket handshake; valid 30 s. */
  async createWsTicket(actor: Actor): Promise<{ ticket: string; expires_at: string }> {
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.d.clock.now().getTime() + TICKET_TTL_MS).toISOString();
    if (actor.sessionId === undefined) throw signedOut();
    await this.d.store.tickets.create(hashTicket(ticket), actor.id, actor.tokenVersion, expiresAt, actor.sessionId);
    return { ticket, expires_at: expiresAt };
  }

  /**
   * Uses a ticket up and returns its account, or 401. A ticket is as good as the session that
   * minted it: once that session is revoked (password change, log out everywhere), so is the ticket,
   * and the socket it opens carries the session's version, so a later revocation closes it too.
   */
  async redeemWsTicket(ticket: string, ip: string): Promise<Actor> {
    const found = await this.d.store.tickets.consume(hashTicket(ticket), this.nowIso());
    const [user, session] = found
      ? await Promise.all([
          this.d.store.users.findById(found.userId),
          found.sessionId ? this.d.store.sessions.find(found.sessionId, this.nowIso()) : undefined,
        ])
      : [];
    if (!found || !user || !isActive(user) || user.token_version !== found.tokenVersion || session?.user_id !== user.id) {
      throw new DomainError('ticket_invalid', 'The ticket is not valid or has expired.');
    }
    return { id: user.id, isAdmin: user.is_admin, tokenVersion: found.tokenVersion, ip, sessionId: session.id };
  }

  /** Needs the current password; signs out every other session. */
  async changePassword(actor: Actor, current: string, next: string): Promise<Session> {
    checkPassword(this.limits, next, 'body.new_password');
    const user = await this.checkPassword(actor, current);
    if (await this.d.hasher.verify(next, user.password_hash))
      throw new DomainError('same_value', 'The new password must differ from the current one.');
    await this.setPassword(actor.id, next, actor.sessionId);
    return this.continueSession(await this.load(actor.id), actor);
  }

  async changeEmail(actor: Actor, email: string, password: string): Promise<MeView> {
    const user = await this.checkPassword(actor, password);
    if (user.email === email) throw new DomainError('same_value', 'That is already your email.');
    return this.present((await this.d.store.users.update(actor.id, { email }))!);
  }

  async changeUsername(actor: Actor, username: string): Promise<MeView> {
    checkUsername(this.limits, username);
    const user = await this.load(actor.id);
    if (user.username === username) throw new DomainError('same_value', 'That is already your username.');
    let updated: UserRow;
    try {
      updated = (await this.d.store.users.update(actor.id, { username }))!;
    } catch (err) {
      throw await this.whyTaken(err, username);
    }
    await this.d.bus.publish(profileChanged(actor.id));
    await publishUserUpdated(this.d.store, this.d.bus, user, updated);
    return this.present(updated);
  }

  /** Hides the account at once, signs it out everywhere, and schedules its purge. */
  async deactivate(actor: Actor, password: string): Promise<void> {
    await this.checkPassword(actor, password);
    // One's own choice is not moderation: nothing for the audit log.
    await this.deactivateAccount(actor.id, null);
  }

  /**
   * A server admin deactivates another account over the API (`POST /admin/users/:id/deactivate`):
   * the same path as the CLI's, audited under the admin's name. An already deactivated account is
   * left as it is (nothing new is audited).
   */
  async deactivateByAdmin(actor: Actor, userId: string, reason: string | undefined): Promise<{ already: boolean }> {
    if (!actor.isAdmin) throw new DomainError('forbidden', 'Only server admins may deactivate accounts.');
    if (userId === actor.id) throw new DomainError('cannot_target_self', 'Deactivate your own account with DELETE /users/me.');
    const user = await this.d.store.users.findById(userId);
    if (!user || user.deleted_at !== null) throw new DomainError('user_not_found', 'No such user.');
    if (user.deactivated_at !== null) return { already: true };
    await this.deactivateAccount(userId, { actorId: actor.id, reason: reason ?? null });
    return { already: false };
  }

  /**
   * An operator's deactivation (`rooms admin deactivate`, or a server admin over the API): as
   * deactivate, without the password, and written to the audit log (actor null: the command line).
   */
  async deactivateAccount(
    userId: string,
    by: { actorId: string | null; reason?: string | null } | null = { actorId: null },
  ): Promise<void> {
    const now = this.d.clock.now();
    const version = await this.d.store.transaction(async (tx) => {
      if (by)
        await writeAudit(tx, now.toISOString(), {
          actorId: by.actorId,
          action: 'account_deactivated',
          targetUserId: userId,
          reason: by.reason ?? null,
        });
      await tx.users.update(userId, {
        deactivated_at: now.toISOString(),
        purge_after: new Date(now.getTime() + this.d.deactivationDays * DAY_MS).toISOString(),
      });
      await tx.sessions.deleteAllBut(userId);
      return tx.users.bumpTokenVersion(userId);
    });
    await this.revoked(userId, version, true);
  }

  /** An operator sets a new password (`rooms admin reset-password`); every session of the account ends. */
  async resetPassword(userId: string, password: string): Promise<void> {
    checkPassword(this.limits, password);
    await this.setPassword(userId, password);
  }

  /** A new password; every session but keep (when given) ends. */
  private async setPassword(userId: string, password: string, keep?: string): Promise<void> {
    const hash = await this.d.hasher.hash(password);
    const version = await this.d.store.transaction(async (tx) => {
      await tx.users.update(userId, { password_hash: hash });
      await tx.sessions.deleteAllBut(userId, keep);
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

  /** Stops the password threads and writes the last uses of sessions (at shutdown). */
  async close(): Promise<void> {
    await this.d.activity.close();
    await this.d.hasher.close();
  }

  /** Live connections holding an older token version are closed, on every node. */
  private revoked(userId: string, tokenVersion: number, deactivated = false): Promise<void> {
    return this.d.bus.publish({
      kind: 'user',
      user_id: userId,
      type: 'session_revoked',
      data: { token_version: tokenVersion, deactivated },
    });
  }

  /** Checks the caller's password, with the same per-IP lockout as login so it cannot be guessed here either. */
  private async checkPassword(actor: Actor, password: string): Promise<UserRow> {
    const key = `${actor.ip}|id:${actor.id}`;
    const permit = await this.d.loginGuard.begin(key);
    if (!permit.allowed)
      throw new DomainError('login_blocked', 'Too many wrong passwords. Try again later.', { retryAfterSeconds: permit.retryAfterSeconds });
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

  /** A new session (a login or a sign-up) and its token. */
  private async startSession(user: UserRow, from: ClientInfo): Promise<Session> {
    const now = this.nowIso();
    const id = newId();
    const { token, expiresAt } = this.d.tokens.issue({ userId: user.id, tokenVersion: user.token_version, sessionId: id });
    const row: SessionRow = {
      id,
      user_id: user.id,
      client: clip(from.client),
      user_agent: clip(from.userAgent, 256),
      ip: from.ip,
      created_at: now,
      last_used_at: now,
      expires_at: expiresAt,
    };
    await this.d.store.sessions.create(row);
    return { token, expires_at: expiresAt, user: await this.present(user) };
  }

  /** A fresh token for the caller's session (after log out everywhere, a password change): the session goes on. */
  private async continueSession(user: UserRow, actor: Actor): Promise<Session> {
    if (actor.sessionId === undefined) return this.startSession(user, { ip: actor.ip });
    const { token, expiresAt } = this.d.tokens.issue({ userId: user.id, tokenVersion: user.token_version, sessionId: actor.sessionId });
    await this.d.store.sessions.extend(actor.sessionId, expiresAt);
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
