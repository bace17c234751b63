import type { ColumnType, Generated } from 'kysely';

/** Table shapes as Kysely sees them. Flags are 0/1 integers on both databases (SQLite has no boolean). */
export interface UsersTable {
  id: string;
  username: string | null;
  email: string | null;
  password_hash: string | null;
  display_name: string;
  search_name: string;
  avatar_url: string | null;
  bio: string | null;
  website: string | null;
  status_message: string | null;
  is_admin: number;
  token_version: Generated<number>;
  created_at: string;
  last_seen: string | null;
  deactivated_at: string | null;
  purge_after: string | null;
  deleted_at: string | null;
}

export interface ProfileFieldsTable {
  user_id: string;
  field: string;
  /** JSON text. */
  value: string | null;
  visibility: string;
}

export interface FollowsTable {
  follower_id: string;
  followee_id: string;
  created_at: string;
}

export interface WsTicketsTable {
  ticket_hash: string;
  user_id: string;
  expires_at: string;
}

export interface JobLocksTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface DB {
  users: UsersTable;
  profile_fields: ProfileFieldsTable;
  follows: FollowsTable;
  ws_tickets: WsTicketsTable;
  job_locks: JobLocksTable;
}

export type Count = ColumnType<number | string | bigint, never, never>;
