import type { IsoTime } from './types.ts';

export type RoomType = 'public' | 'private' | 'direct';
export type RoomRole = 'owner' | 'admin' | 'member';
export type NotificationLevel = 'all' | 'mentions' | 'muted';
export type MessageType = 'text' | 'image' | 'file' | 'audio' | 'video' | 'system';

export interface RoomRow {
  id: string;
  type: RoomType;
  name: string;
  description: string | null;
  topic_kind: 'text' | 'image' | 'video';
  cover_attachment_id: string | null;
  categories: string[];
  member_limit: number | null;
  member_count: number;
  featured: boolean;
  archived: boolean;
  /** Direct rooms only: the two member ids, sorted, joined by ':' (one room per pair). */
  direct_key: string | null;
  /** The seq of the room's latest durable event. */
  last_seq: number;
  created_by: string | null;
  created_at: IsoTime;
  last_message_at: IsoTime | null;
  /** Users who like the room (seed 000's room likes). */
  like_count: number;
}

export type NewRoom = Omit<
  RoomRow,
  'member_count' | 'featured' | 'archived' | 'last_seq' | 'last_message_at' | 'cover_attachment_id' | 'like_count'
>;
export type RoomPatch = Partial<
  Pick<RoomRow, 'name' | 'description' | 'topic_kind' | 'categories' | 'member_limit' | 'featured' | 'archived' | 'cover_attachment_id'>
>;

export interface MembershipRow {
  room_id: string;
  user_id: string;
  role: RoomRole;
  joined_at: IsoTime;
  last_read_seq: number;
  last_read_message_id: string | null;
  last_read_at: IsoTime | null;
  /** Direct rooms: the highest seq this member's client has received. */
  delivered_seq: number;
  notification_level: NotificationLevel;
  muted: boolean;
  /** With muted: null means until unmuted. */
  muted_until: IsoTime | null;
  /** Direct rooms: when the member hid the room from their list (null: listed). A new message lists it again. */
  hidden_at: IsoTime | null;
}

export type MembershipPatch = Partial<Pick<MembershipRow, 'role' | 'notification_level' | 'muted' | 'muted_until'>>;

export interface BanRow {
  room_id: string;
  user_id: string;
  banned_by: string | null;
  reason: string | null;
  created_at: IsoTime;
}

export interface InviteRow {
  code: string;
  room_id: string;
  created_by: string | null;
  created_at: IsoTime;
  expires_at: IsoTime;
  max_uses: number | null;
  uses: number;
  revoked_at: IsoTime | null;
}

export interface MessageRow {
  id: string;
  room_id: string;
  seq: number;
  sender_id: string;
  type: MessageType;
  content: string;
  parent_id: string | null;
  client_id: string | null;
  mentions: string[];
  mentions_room: boolean;
  reply_count: number;
  created_at: IsoTime;
  edited_at: IsoTime | null;
  deleted_at: IsoTime | null;
}

export type NewMessage = Omit<MessageRow, 'reply_count' | 'edited_at' | 'deleted_at'>;

export interface ReactionGroupRow {
  message_id: string;
  emoji: string;
  count: number;
  me: boolean;
}

export interface PinRow {
  room_id: string;
  message_id: string;
  pinned_by: string | null;
  pinned_at: IsoTime;
}

export interface RoomEventRow {
  room_id: string;
  seq: number;
  type: string;
  payload: unknown;
  created_at: IsoTime;
}

/** Where a message page starts: strictly before or after a seq. */
export interface MessageRange {
  beforeSeq?: number;
  afterSeq?: number;
  parentId?: string;
  limit: number;
}

export type NotificationType = 'mention' | 'reply' | 'room_invite' | 'direct_message';

export interface NotificationRow {
  id: string;
  user_id: string;
  type: NotificationType;
  room_id: string | null;
  message_id: string | null;
  actor_id: string | null;
  payload: unknown;
  created_at: IsoTime;
  read_at: IsoTime | null;
}
