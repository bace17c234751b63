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
  token_version: number;
  session_id: string | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  client: string | null;
  user_agent: string | null;
  ip: string | null;
  created_at: string;
  last_used_at: string;
  expires_at: string;
}

export interface AuditLogTable {
  id: string;
  actor_id: string | null;
  action: string;
  target_user_id: string | null;
  target_message_id: string | null;
  room_id: string | null;
  reason: string | null;
  /** JSON text. */
  details: string | null;
  created_at: string;
}

export interface SigningKeysTable {
  id: string;
  secret: string;
  created_at: string;
  retired_at: string | null;
}

export interface JobLocksTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface RoomsTable {
  id: string;
  type: string;
  name: string;
  name_lower: string;
  description: string | null;
  topic_kind: string;
  cover_attachment_id: string | null;
  /** JSON array. */
  categories: string;
  member_limit: number | null;
  member_count: Generated<number>;
  featured: Generated<number>;
  archived: Generated<number>;
  direct_key: string | null;
  last_seq: Generated<number>;
  created_by: string | null;
  created_at: string;
  last_message_at: string | null;
  like_count: Generated<number>;
}

export interface MembershipsTable {
  room_id: string;
  user_id: string;
  role: string;
  joined_at: string;
  last_read_seq: Generated<number>;
  last_read_message_id: string | null;
  last_read_at: string | null;
  delivered_seq: Generated<number>;
  notification_level: Generated<string>;
  muted: Generated<number>;
  muted_until: string | null;
  hidden_at: string | null;
}

export interface BansTable {
  room_id: string;
  user_id: string;
  banned_by: string | null;
  reason: string | null;
  created_at: string;
}

export interface InvitesTable {
  code: string;
  room_id: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  max_uses: number | null;
  uses: Generated<number>;
  revoked_at: string | null;
}

export interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  created_at: string;
}

export interface MessagesTable {
  id: string;
  room_id: string;
  seq: number;
  sender_id: string;
  type: string;
  content: string;
  parent_id: string | null;
  client_id: string | null;
  /** JSON array of user ids. */
  mentions: string;
  mentions_room: number;
  reply_count: Generated<number>;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
}

export interface ReactionsTable {
  message_id: string;
  user_id: string;
  emoji: string;
  created_at: string;
}

export interface PinsTable {
  room_id: string;
  message_id: string;
  pinned_by: string | null;
  pinned_at: string;
}

export interface RoomEventsTable {
  room_id: string;
  seq: number;
  type: string;
  /** JSON. */
  payload: string;
  created_at: string;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  type: string;
  room_id: string | null;
  message_id: string | null;
  actor_id: string | null;
  /** JSON. */
  payload: string;
  created_at: string;
  read_at: string | null;
}

export interface AttachmentsTable {
  id: string;
  uploader_id: string;
  room_id: string | null;
  message_id: string | null;
  position: number | null;
  posted_at: string | null;
  filename: string;
  size: number;
  mime_type: string;
  kind: string;
  width: number | null;
  height: number | null;
  thumb_width: number | null;
  thumb_height: number | null;
  blob_key: string;
  thumb_key: string | null;
  created_at: string;
}

/** Each message's search form (see domain/search-document.ts); the databases index it their own way. */
export interface MessageSearchTable {
  message_id: string;
  body: string;
  words: string;
}

/** SQLite only (migration 0017): messages whose sends were acknowledged, waiting for the search index. */
export interface MessageSearchQueueTable {
  id: Generated<number>;
  message_id: string;
}

// Core features for the gateways (issue 18, migration 0008).
export interface RoomLikesTable {
  room_id: string;
  user_id: string;
  created_at: string;
}

export interface GuestsTable {
  user_id: string;
  identity: string;
  last_active_at: string;
  created_at: string;
}

export interface CounsellorsTable {
  user_id: string;
  available: number;
  updated_at: string;
}

export interface CounsellorRequestsTable {
  id: string;
  user_id: string;
  counsellor_id: string | null;
  room_id: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface ReportsTable {
  id: string;
  kind: string;
  dedupe_key: string;
  status: string;
  room_id: string | null;
  reported_user_id: string;
  message_id: string | null;
  /** JSON of the reported message as first reported. */
  snapshot: string | null;
  report_count: Generated<number>;
  action: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReportFilingsTable {
  report_id: string;
  reporter_id: string;
  reason: string;
  created_at: string;
}

export interface DB {
  room_likes: RoomLikesTable;
  guests: GuestsTable;
  counsellors: CounsellorsTable;
  counsellor_requests: CounsellorRequestsTable;
  reports: ReportsTable;
  report_filings: ReportFilingsTable;
  attachments: AttachmentsTable;
  notifications: NotificationsTable;
  rooms: RoomsTable;
  memberships: MembershipsTable;
  bans: BansTable;
  invites: InvitesTable;
  blocks: BlocksTable;
  messages: MessagesTable;
  reactions: ReactionsTable;
  pins: PinsTable;
  room_events: RoomEventsTable;
  users: UsersTable;
  profile_fields: ProfileFieldsTable;
  follows: FollowsTable;
  ws_tickets: WsTicketsTable;
  job_locks: JobLocksTable;
  message_search: MessageSearchTable;
  message_search_queue: MessageSearchQueueTable;
  sessions: SessionsTable;
  signing_keys: SigningKeysTable;
  audit_log: AuditLogTable;
}

export type Count = ColumnType<number | string | bigint, never, never>;
