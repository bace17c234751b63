import type { Visibility } from '@rooms/protocol';

/** Timestamps cross the store boundary as UTC ISO-8601 strings on every backend. */
export type IsoTime = string;

export interface UserRow {
  id: string;
  /** null once the account is purged: the name is free again. */
  username: string | null;
  email: string | null;
  password_hash: string | null;
  display_name: string;
  avatar_url: string | null;
  bio: string | null;
  website: string | null;
  status_message: string | null;
  is_admin: boolean;
  token_version: number;
  created_at: IsoTime;
  last_seen: IsoTime | null;
  deactivated_at: IsoTime | null;
  purge_after: IsoTime | null;
  deleted_at: IsoTime | null;
}

export type NewUser = Pick<
  UserRow,
  'id' | 'username' | 'email' | 'password_hash' | 'display_name' | 'avatar_url' | 'bio' | 'website' | 'status_message' | 'created_at'
>;

export type UserPatch = Partial<Omit<UserRow, 'id' | 'created_at'>>;

export interface ProfileFieldRow {
  field: string;
  /** The value as JSON, or null when only a visibility is set. */
  value: unknown;
  visibility: Visibility;
}

export interface FollowEntry {
  user: UserRow;
  followed_at: IsoTime;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Which page to read: at most limit items, after the position a previous page's next_cursor names. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** The page of the first `limit` of rows read with limit + 1; the cursor names its last item. */
export function pageFrom<R>(rows: R[], limit: number, cursorOf: (last: R) => string): Page<R> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

/** One login (issue 19): every token names its session; ending it ends that token at once. */
export interface SessionRow {
  id: string;
  user_id: string;
  /** The name the client gave (X-Rooms-Client), if any. */
  client: string | null;
  user_agent: string | null;
  ip: string | null;
  created_at: IsoTime;
  last_used_at: IsoTime;
  expires_at: IsoTime;
}

/** A token signing key kept in the database (when JWT_SECRET is not configured). */
export interface SigningKeyRow {
  id: string;
  secret: string;
  created_at: IsoTime;
  /** When a newer key took over signing; it still verifies the tokens it signed until they expire. */
  retired_at: IsoTime | null;
}
