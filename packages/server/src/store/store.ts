import type {
  BanRow,
  InviteRow,
  MembershipPatch,
  MembershipRow,
  MessageRange,
  MessageRow,
  NotificationRow,
  NewMessage,
  NewRoom,
  PinRow,
  ReactionGroupRow,
  RoomEventRow,
  RoomPatch,
  RoomRow,
} from './room-types.ts';
import type { AttachmentRow, NewAttachment } from './attachment-types.ts';
import type { AuditRepository } from './audit-types.ts';
import type { SearchQuery } from '../domain/search-query.ts';
import type { MessageSearchOptions, MessageSearchPage } from './search-types.ts';
import type { CounsellorRepository, GuestRepository, ReportRepository, RoomLikeRepository } from './core-features-store.ts';
import type {
  FollowEntry,
  IsoTime,
  NewUser,
  Page,
  PageRequest,
  ProfileFieldRow,
  SessionRow,
  SigningKeyRow,
  UserPatch,
  UserRow,
} from './types.ts';

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
  rooms: RoomRepository;
  members: MembershipRepository;
  bans: BanRepository;
  invites: InviteRepository;
  blocks: BlockRepository;
  messages: MessageRepository;
  reactions: ReactionRepository;
  pins: PinRepository;
  events: RoomEventRepository;
  notifications: NotificationRepository;
  attachments: AttachmentRepository;
  // Core features for the gateways (issue 18): see core-features-store.ts.
  roomLikes: RoomLikeRepository;
  guests: GuestRepository;
  counsellors: CounsellorRepository;
  reports: ReportRepository;
  sessions: SessionRepository;
  signingKeys: SigningKeyRepository;
  /** The moderation audit log (issue 19): see audit-types.ts. */
  audit: AuditRepository;
  /** Runs fn in one transaction; nested calls join the outer one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Throws when the database cannot answer (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface UserRepository {
  /** Inserts a user; the very first account (guests aside) becomes a server admin. Throws username_taken on a duplicate name. */
  insert(user: NewUser): Promise<UserRow>;
  /**
   * Holds the user's row lock until the transaction ends, so that counts of what they own read
   * after it see every concurrent transaction that also took it (the per-user caps).
   */
  lock(id: string): Promise<void>;
  findById(id: string): Promise<UserRow | undefined>;
  /** Whether any account was ever created (a fresh server has none); guest accounts of the gateways do not count. */
  hasAny(): Promise<boolean>;
  /** Not purged (deactivated accounts included: they may log in to cancel). */
  findByUsername(username: string): Promise<UserRow | undefined>;
  /** Accounts with this email, not purged, the most recently seen first, at most limit. */
  findByEmail(email: string, limit: number): Promise<UserRow[]>;
  findByIds(ids: string[]): Promise<UserRow[]>;
  /** Live accounts with these usernames (mentions). */
  findByUsernames(usernames: string[]): Promise<UserRow[]>;
  /** Applies a partial update; throws username_taken when a new username is in use. */
  update(id: string, patch: UserPatch): Promise<UserRow | undefined>;
  /** Increments the token version (invalidating older tokens) and returns the new one. */
  bumpTokenVersion(id: string): Promise<number>;
  /** Active (not deactivated) users whose username or display name starts with prefix, shortest usernames first, keyset-paginated. */
  search(prefix: string, page: PageRequest): Promise<Page<UserRow>>;
  /** Deactivated accounts whose grace period ended by `now`, not yet purged. */
  listPurgeable(now: IsoTime, limit: number): Promise<string[]>;
  /** Deletes personal data, frees the username and keeps the id so authored things show "Deleted user". */
  purge(id: string, now: IsoTime): Promise<void>;
  getProfile(userId: string): Promise<ProfileFieldRow[]>;
  /** Upserts the given fields; a field with value null and visibility null is deleted. */
  setProfile(userId: string, fields: { field: string; value: unknown; visibility: ProfileFieldRow['visibility'] }[]): Promise<void>;
  /** True when reader is a "mate" of owner: follows the owner or shares a room with them. */
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
  /** A ticket for userId's session (sessionId) of tokenVersion. */
  create(ticketHash: string, userId: string, tokenVersion: number, expiresAt: IsoTime, sessionId: string): Promise<void>;
  /** Deletes the ticket and returns its user, session and version if it had not expired: a ticket works once. */
  consume(ticketHash: string, now: IsoTime): Promise<{ userId: string; tokenVersion: number; sessionId: string | null } | undefined>;
  deleteExpired(now: IsoTime): Promise<number>;
}

export interface SessionRepository {
  create(session: SessionRow): Promise<void>;
  /** The session if it exists and has not expired by now. */
  find(id: string, now: IsoTime): Promise<SessionRow | undefined>;
  /** The user's sessions not expired by now, the most recently used first. */
  listForUser(userId: string, now: IsoTime): Promise<SessionRow[]>;
  /** Deletes the user's session id; false when the user has no such session. */
  delete(userId: string, id: string): Promise<boolean>;
  /** Deletes every session of the user but keep (all when absent); returns how many. */
  deleteAllBut(userId: string, keep?: string): Promise<number>;
  /** The session's new expiry (its token was reissued). */
  extend(id: string, expiresAt: IsoTime): Promise<void>;
  /** Records when sessions were last used, several at once (the writes are coalesced by the caller). */
  touch(uses: { id: string; lastUsedAt: IsoTime }[]): Promise<void>;
  deleteExpired(now: IsoTime): Promise<number>;
}

export interface SigningKeyRepository {
  /** Every key, the oldest first. */
  list(): Promise<SigningKeyRow[]>;
  /** Adds a key unless one with its id exists. */
  add(key: SigningKeyRow): Promise<void>;
  /** Retires every key but keep (that has not been retired yet) at `at`. */
  retireAllBut(keep: string, at: IsoTime): Promise<number>;
  /** Deletes keys retired before `before` (their tokens have all expired); returns how many. */
  deleteRetiredBefore(before: IsoTime): Promise<number>;
}

export interface JobLockRepository {
  /** Takes or renews the named lock for holder until now+ttl; false while another holder's lock is live. */
  tryAcquire(name: string, holder: string, now: IsoTime, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

export interface RoomFilter {
  q?: string | undefined;
  category?: string | undefined;
  featured?: boolean | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** One page of a user's rooms, with the membership. */
export type MyRoomsPage = Page<{ room: RoomRow; membership: MembershipRow }>;

export interface RoomRepository {
  insert(room: NewRoom): Promise<RoomRow>;
  /** Holds the room's row lock until the transaction ends (see UserRepository.lock). */
  lock(id: string): Promise<void>;
  findById(id: string): Promise<RoomRow | undefined>;
  findByDirectKey(key: string): Promise<RoomRow | undefined>;
  update(id: string, patch: RoomPatch): Promise<RoomRow | undefined>;
  delete(id: string): Promise<void>;
  /**
   * Takes the room's next seq (last_seq + 1) under the row lock of the current transaction, so
   * seqs are gap-free and strictly increasing.
   */
  nextSeq(id: string): Promise<number>;
  /**
   * nextSeq for a new message, which also moves last_message_at; takes nothing (undefined) when the
   * room is archived or gone. The check is part of the statement that locks the row, so a message
   * never lands in a room archived after the send was authorized. `at` is the message's time:
   * messageAt, or 1 ms after the room's previous message when that is not earlier (a clock that
   * stood still or went back, or sends racing for the lock): times strictly increase with seqs.
   */
  nextMessageSeq(id: string, messageAt: IsoTime): Promise<{ seq: number; at: IsoTime } | undefined>;
  /** Takes one seat: member_count + 1 unless the member limit is reached (then false). Atomic. */
  takeSeat(id: string): Promise<boolean>;
  /** Gives a seat back: member_count - 1; returns the new count. */
  releaseSeat(id: string): Promise<number>;
  /**
   * The rooms a user belongs to, with the membership, most recent activity (last message, else
   * creation) first, keyset-paginated on (activity, id): a room created or written to while a
   * client pages moves ahead of the cursor, so it never comes twice.
   */
  listForUser(userId: string, page: { limit: number; cursor?: string | undefined }): Promise<MyRoomsPage>;
  /** Just the id and last seq of each room a user belongs to (what a connecting socket needs). */
  seqsForUser(userId: string): Promise<{ room_id: string; last_seq: number }[]>;
  /** Public rooms for discovery, by name (featured first when asked), keyset-paginated. */
  listPublic(filter: RoomFilter): Promise<Page<RoomRow>>;
}

export interface MembershipRepository {
  get(roomId: string, userId: string): Promise<MembershipRow | undefined>;
  /** Inserts; false when already a member. */
  add(
    m: Pick<MembershipRow, 'room_id' | 'user_id' | 'role' | 'joined_at'> & Partial<Pick<MembershipRow, 'last_read_seq'>>,
  ): Promise<boolean>;
  /** Deletes; false when not a member. */
  remove(roomId: string, userId: string): Promise<boolean>;
  update(roomId: string, userId: string, patch: MembershipPatch): Promise<MembershipRow | undefined>;
  /** Members with their accounts, by join time; hidden (deactivated or purged) accounts are left out. */
  list(roomId: string, limit: number, cursor?: string): Promise<Page<{ membership: MembershipRow; user: UserRow }>>;
  count(roomId: string): Promise<number>;
  /** Any member other than exceptUserId, oldest first (successor when an owner leaves). */
  oldestOther(roomId: string, exceptUserId: string): Promise<MembershipRow | undefined>;
  /** Moves the read point forward only; returns the row after the call. */
  markRead(roomId: string, userId: string, seq: number, messageId: string | null, at: IsoTime): Promise<MembershipRow | undefined>;
  /** Moves the delivered point forward only; true when it moved. */
  markDelivered(roomId: string, userId: string, seq: number): Promise<boolean>;
  /** Members other than exceptUserId whose read point is at or past seq (active accounts only). */
  readers(roomId: string, seq: number, exceptUserId: string): Promise<{ user: UserRow; read_at: IsoTime | null }[]>;
  /** For each seq, how many members other than the sender have read it (active accounts only). */
  readCounts(roomId: string, messages: { seq: number; sender_id: string }[]): Promise<Map<number, number>>;
  /** How many rooms the user is a member of (direct ones included), and how many they own. */
  countsOf(userId: string): Promise<{ joined: number; owned: number }>;
  sharesRoom(a: string, b: string): Promise<boolean>;
  /** Members whose notification level is not muted (only among userIds when given). */
  notifiable(roomId: string, userIds?: string[]): Promise<string[]>;
  /** The rooms userId is a member of (presence goes to their members). */
  roomIdsOf(userId: string): Promise<string[]>;
  /** For each of the given (direct) rooms, the member who is not userId. */
  peers(roomIds: string[], userId: string): Promise<Map<string, UserRow>>;
  /**
   * Hides the room from the member's list (hiddenAt) or lists it again (null); true when that
   * changed something (hiding a hidden room keeps its first time).
   */
  setHidden(roomId: string, userId: string, hiddenAt: IsoTime | null): Promise<boolean>;
  /** Lists the room again for every member who hid it; returns who they were. */
  unhideAll(roomId: string): Promise<string[]>;
  /** Ids of the given users who are members of the room. */
  whichAreMembers(roomId: string, userIds: string[]): Promise<string[]>;
}

export interface BanRepository {
  add(ban: BanRow): Promise<void>;
  remove(roomId: string, userId: string): Promise<boolean>;
  isBanned(roomId: string, userId: string): Promise<boolean>;
  /** Newest first, keyset-paginated. */
  list(roomId: string, page: PageRequest): Promise<Page<{ ban: BanRow; user: UserRow }>>;
}

export interface InviteRepository {
  insert(invite: InviteRow): Promise<void>;
  find(code: string): Promise<InviteRow | undefined>;
  /** Counts one use if the invite is live (not revoked, not expired, not used up); false otherwise. Atomic. */
  use(code: string, now: IsoTime): Promise<boolean>;
  /** The room's invites that could still be used at `now` (not revoked, expired or used up). */
  countUsable(roomId: string, now: IsoTime): Promise<number>;
  /** Those same invites, newest first, keyset-paginated. */
  listUsable(roomId: string, now: IsoTime, page: PageRequest): Promise<Page<InviteRow>>;
  revoke(code: string, now: IsoTime): Promise<void>;
}

export interface BlockRepository {
  block(blockerId: string, blockedId: string, at: IsoTime): Promise<void>;
  unblock(blockerId: string, blockedId: string): Promise<void>;
  /** True when either user blocks the other. */
  between(a: string, b: string): Promise<boolean>;
  /** The users among `among` who block blockedId. */
  blockersOf(blockedId: string, among: string[]): Promise<string[]>;
  /** The accounts blockerId blocks, newest first, keyset-paginated; hidden accounts are left out. */
  list(blockerId: string, page: PageRequest): Promise<Page<{ user: UserRow; blocked_at: IsoTime }>>;
}

export interface MessageRepository {
  insert(m: NewMessage): Promise<MessageRow>;
  findById(id: string): Promise<MessageRow | undefined>;
  findBySeq(roomId: string, seq: number): Promise<MessageRow | undefined>;
  findByClientId(senderId: string, clientId: string): Promise<MessageRow | undefined>;
  /** Changes a live message; a tombstone never changes (undefined when the message is deleted or unknown). */
  update(
    id: string,
    patch: Partial<Pick<MessageRow, 'content' | 'edited_at' | 'deleted_at' | 'mentions' | 'mentions_room'>>,
  ): Promise<MessageRow | undefined>;
  /** Newest first with beforeSeq (or none); oldest first with afterSeq. */
  list(roomId: string, range: MessageRange): Promise<MessageRow[]>;
  incrementReplies(parentId: string): Promise<void>;
  /** Messages after seq that are not deleted and not the user's own. */
  countUnread(roomId: string, userId: string, afterSeq: number): Promise<number>;
  /** The highest seq that belongs to a message at or before seq (read points move to messages). */
  latestMessageAtOrBefore(roomId: string, seq: number): Promise<MessageRow | undefined>;
  /**
   * Message search (SPEC §5): the messages of the rooms userId is a member of now that the query
   * matches — never deleted or system messages, edited ones by their current text — one keyset
   * page, ranked (or newest first), with the total. Throws invalid_cursor for a cursor it did not
   * write, query_too_broad when the query runs past opts.budgetMs.
   */
  search(userId: string, query: SearchQuery, opts: MessageSearchOptions): Promise<MessageSearchPage>;
  /** Rewrites the whole search index from the messages (repairs), in batches; onProgress(done, total). */
  rebuildSearchIndex(onProgress?: (done: number, total: number) => void): Promise<number>;
}

export interface ReactionRepository {
  /** False when this user already reacted with this emoji. */
  add(messageId: string, userId: string, emoji: string, at: IsoTime): Promise<boolean>;
  remove(messageId: string, userId: string, emoji: string): Promise<boolean>;
  /** Reactions grouped per message and emoji, counting active accounts only. */
  groups(messageIds: string[], viewerId: string): Promise<ReactionGroupRow[]>;
  /** Who reacted to a message, oldest reaction first (active accounts only), at most `limit` rows. */
  reactors(messageId: string, limit: number): Promise<{ emoji: string; user: UserRow }[]>;
}

export interface PinRepository {
  pin(p: PinRow): Promise<boolean>;
  unpin(roomId: string, messageId: string): Promise<boolean>;
  /** Most recently pinned first, keyset-paginated. */
  list(roomId: string, page: PageRequest): Promise<Page<PinRow>>;
  pinnedAmong(roomId: string, messageIds: string[]): Promise<Set<string>>;
}

export interface RoomEventRepository {
  append(e: RoomEventRow): Promise<void>;
  /** Events with seq > afterSeq, in order. */
  listAfter(roomId: string, afterSeq: number, limit: number): Promise<RoomEventRow[]>;
}

export interface NotificationRepository {
  insert(n: NotificationRow): Promise<void>;
  /** Newest first, keyset-paginated; unreadOnly skips read ones. */
  list(userId: string, opts: { limit: number; cursor?: string | undefined; unreadOnly?: boolean }): Promise<Page<NotificationRow>>;
  /** Marks one read; false when it is not this user's (or does not exist). */
  markRead(userId: string, id: string, at: IsoTime): Promise<boolean>;
  markAllRead(userId: string, at: IsoTime): Promise<number>;
  /** Unread counts per room (null: not about a room) for one user. */
  unreadCounts(userId: string): Promise<{ room_id: string | null; count: number }[]>;
  deleteOlderThan(before: IsoTime): Promise<number>;
}

export interface AttachmentRepository {
  insert(a: NewAttachment): Promise<AttachmentRow>;
  findById(id: string): Promise<AttachmentRow | undefined>;
  findByIds(ids: string[]): Promise<AttachmentRow[]>;
  /**
   * Links the uploader's own unposted uploads to a message, in the given order (position 0, 1, …).
   * Returns how many were linked: fewer than ids means some were not theirs or already posted (the
   * caller rolls the transaction back).
   */
  post(uploaderId: string, ids: string[], message: { id: string; room_id: string }, at: IsoTime): Promise<number>;
  /** The attachments of these messages, each message's in order. */
  forMessages(messageIds: string[]): Promise<AttachmentRow[]>;
  /** Bytes the user's stored uploads take (posted or not): the quota counts them. */
  bytesOf(uploaderId: string): Promise<number>;
  /** Deletes a message's attachments and returns them (their bytes are the caller's to remove, after commit). */
  deleteForMessage(messageId: string): Promise<AttachmentRow[]>;
  delete(id: string): Promise<AttachmentRow | undefined>;
  /** Whether an active account has this upload as its avatar (avatar_url is AVATAR_PATH of it). */
  isAvatar(id: string): Promise<boolean>;
  /**
   * What the cleanup job removes, oldest first: uploads never posted, created before unpostedBefore,
   * that are neither a room's cover nor a user's avatar; and posted ones whose message is gone with its room.
   */
  listExpired(unpostedBefore: IsoTime, limit: number): Promise<AttachmentRow[]>;
}
