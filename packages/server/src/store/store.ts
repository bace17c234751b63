import type { FollowEntry, IsoTime, NewUser, Page, ProfileFieldRow, UserPatch, UserRow } from './types.ts';

/**
 * The one storage interface every service talks to. Implemented once in SQL (Kysely) for both
 * SQLite and PostgreSQL; the contract suite in ./contract runs the same cases against each.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  users: UserRepository;
  follows: FollowRepository;
  tickets: TicketRepository;
  jobLocks: JobLockRepository;
  /** Runs fn in one transaction; nested calls join the outer one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Throws when the database cannot answer (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface UserRepository {
  /** Inserts a user; the very first account becomes a server admin. Throws username_taken on a duplicate name. */
  insert(user: NewUser): Promise<UserRow>;
  findById(id: string): Promise<UserRow | undefined>;
  /** Not purged (deactivated accounts included: they may log in to cancel). */
  findByUsername(username: string): Promise<UserRow | undefined>;
  findByEmail(email: string): Promise<UserRow[]>;
  /** Applies a partial update; throws username_taken when a new username is in use. */
  update(id: string, patch: UserPatch): Promise<UserRow | undefined>;
  /** Increments the token version (invalidating older tokens) and returns the new one. */
  bumpTokenVersion(id: string): Promise<number>;
  /** Active (not deactivated) users whose username or display name starts with prefix. */
  search(prefix: string, limit: number): Promise<UserRow[]>;
  /** Deactivated accounts whose grace period ended by `now`, not yet purged. */
  listPurgeable(now: IsoTime, limit: number): Promise<string[]>;
  /** Deletes personal data, frees the username and keeps the id so authored things show "Deleted user". */
  purge(id: string, now: IsoTime): Promise<void>;
  getProfile(userId: string): Promise<ProfileFieldRow[]>;
  /** Upserts the given fields; a field with value null and visibility null is deleted. */
  setProfile(userId: string, fields: { field: string; value: unknown; visibility: ProfileFieldRow['visibility'] }[]): Promise<void>;
  /** True when reader is a "mate" of owner: follows the owner (or, once rooms exist, shares a room). */
  isMate(ownerId: string, readerId: string): Promise<boolean>;
  setAdmin(id: string, isAdmin: boolean): Promise<boolean>;
}

export interface FollowRepository {
  /** Idempotent: following twice keeps the first time. */
  follow(followerId: string, followeeId: string, at: IsoTime): Promise<void>;
  unfollow(followerId: string, followeeId: string): Promise<void>;
  isFollowing(followerId: string, followeeId: string): Promise<boolean>;
  counts(userId: string): Promise<{ followers: number; following: number }>;
  /** Newest first, active users only, keyset-paginated. */
  followers(userId: string, limit: number, cursor?: string): Promise<Page<FollowEntry>>;
  following(userId: string, limit: number, cursor?: string): Promise<Page<FollowEntry>>;
}

export interface TicketRepository {
  create(ticketHash: string, userId: string, expiresAt: IsoTime): Promise<void>;
  /** Deletes the ticket and returns its user if it had not expired: a ticket works once. */
  consume(ticketHash: string, now: IsoTime): Promise<string | undefined>;
  deleteExpired(now: IsoTime): Promise<number>;
}

export interface JobLockRepository {
  /** Takes or renews the named lock for holder until now+ttl; false while another holder's lock is live. */
  tryAcquire(name: string, holder: string, now: IsoTime, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}
