import type { RoomRow } from './room-types.ts';
import type { IsoTime, NewUser, Page, UserRow } from './types.ts';

/*
 * Storage of the core features the legacy protocols need (issue 18): room likes, guest accounts,
 * counsellors and their requests, reports. Part of the Store (store.ts); one contract suite runs
 * them on SQLite and PostgreSQL (contract/core-features.contract.ts).
 */

export interface RoomLikeRepository {
  /** Likes the room if the user did not, else takes the like back; the room's count moves with it, atomically. */
  toggle(roomId: string, userId: string, at: IsoTime): Promise<{ liked: boolean; like_count: number }>;
  isLiked(roomId: string, userId: string): Promise<boolean>;
  /**
   * Rooms created by the users followerId follows that followerId may see (public ones, or ones
   * they belong to), newest first, keyset-paginated; hidden authors are left out.
   */
  roomsOfFollowed(followerId: string, limit: number, cursor?: string): Promise<Page<{ room: RoomRow; author: UserRow }>>;
}

export interface GuestRow {
  user_id: string;
  identity: string;
  last_active_at: IsoTime;
  created_at: IsoTime;
}

export interface GuestRepository {
  /** Inserts the account (never a server admin, no password) and its identity; undefined when the identity is taken. */
  create(user: NewUser, identity: string, at: IsoTime): Promise<UserRow | undefined>;
  findByIdentity(identity: string): Promise<GuestRow | undefined>;
  isGuest(userId: string): Promise<boolean>;
  /** Which of these users are guests. */
  guestsAmong(userIds: string[]): Promise<Set<string>>;
  touch(userId: string, at: IsoTime): Promise<void>;
  /** Guests idle since before `before`, oldest first. */
  listIdle(before: IsoTime, limit: number): Promise<string[]>;
  /** Forgets the identity (a later visit gets a new account); the account itself is purged by the caller. */
  remove(userId: string): Promise<void>;
}

export interface CounsellorRequestRow {
  id: string;
  user_id: string;
  counsellor_id: string | null;
  room_id: string | null;
  status: 'matched' | 'missed';
  created_at: IsoTime;
  updated_at: IsoTime;
}

export interface CounsellorRepository {
  /** Sets or clears the flag; clearing it also ends availability. */
  setFlag(userId: string, counsellor: boolean, at: IsoTime): Promise<void>;
  get(userId: string): Promise<{ available: boolean } | undefined>;
  /** False when the user is not a counsellor. */
  setAvailable(userId: string, available: boolean, at: IsoTime): Promise<boolean>;
  /**
   * The available counsellor (an active account, not excludeUserId) with the fewest open matches
   * (matched requests whose room still exists), the longest-available first on a tie.
   */
  leastBusy(excludeUserId: string): Promise<string | undefined>;
  insertRequest(r: CounsellorRequestRow): Promise<void>;
  /** A counsellor's requests and every missed one, newest first, keyset-paginated. */
  requestsFor(counsellorId: string, limit: number, cursor?: string): Promise<Page<CounsellorRequestRow>>;
}

export type ReportStatus = 'open' | 'resolved' | 'dismissed';

export interface ReportSnapshot {
  id: string;
  room_id: string;
  sender_id: string;
  content: string;
  attachment_ids: string[];
  created_at: IsoTime;
  edited_at: IsoTime | null;
}

export interface ReportRow {
  id: string;
  kind: 'message' | 'user';
  status: ReportStatus;
  room_id: string | null;
  reported_user_id: string;
  message_id: string | null;
  snapshot: ReportSnapshot | null;
  report_count: number;
  action: string | null;
  reviewed_by: string | null;
  reviewed_at: IsoTime | null;
  created_at: IsoTime;
  updated_at: IsoTime;
}

export interface ReportFilingRow {
  report_id: string;
  reporter_id: string;
  reason: string;
  created_at: IsoTime;
}

export interface NewReport {
  id: string;
  kind: 'message' | 'user';
  room_id: string | null;
  reported_user_id: string;
  message_id: string | null;
  snapshot: ReportSnapshot | null;
}

/** Whose reports a listing covers: everything (server admins), the rooms a user is owner or admin of, or one reporter's own. */
export type ReportScope = { all: true } | { adminOf: string } | { reporterId: string };

export interface ReportRepository {
  /**
   * Files a report: merged into the open report of the same message (or user) if there is one,
   * counted once per reporter. Returns the report and whether this filing was new.
   */
  file(r: NewReport, reporterId: string, reason: string, at: IsoTime): Promise<{ report: ReportRow; added: boolean }>;
  findById(id: string): Promise<ReportRow | undefined>;
  /** Closes an open report; undefined when it was not open. */
  review(
    id: string,
    status: 'resolved' | 'dismissed',
    action: string | null,
    reviewerId: string,
    at: IsoTime,
  ): Promise<ReportRow | undefined>;
  list(
    scope: ReportScope,
    filter: { status?: ReportStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<ReportRow>>;
  /** The filings of these reports, oldest first (reporterId: only that reporter's). */
  filings(reportIds: string[], reporterId?: string): Promise<ReportFilingRow[]>;
}
