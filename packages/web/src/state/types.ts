import type { Message, Room } from '@rooms/client';
import type { MeView, Member, NotificationView, UserSummary } from '@rooms/protocol';
import type { z } from 'zod';

export type Me = z.infer<typeof MeView>;
export type User = z.infer<typeof UserSummary>;
export type RoomMember = z.infer<typeof Member>;
export type Notification = z.infer<typeof NotificationView>;
export type { Message, Room };

export type Presence = 'online' | 'away' | 'busy' | 'offline';

/** A contiguous stretch of a room's history, oldest first. */
export interface Timeline {
  ids: string[];
  /** More history exists before ids[0]. */
  hasOlder: boolean;
  /** The stretch reaches the room's newest message (live messages are appended to it). */
  atLatest: boolean;
  loadingOlder: boolean;
  loadingNewer: boolean;
  /**
   * Where the next older (newer) page starts: the server's cursor from the last page read. Not
   * ids[0] (ids[-1]): ids are the room's own messages, and a page of thread replies adds none.
   */
  olderCursor?: string | null;
  newerCursor?: string | null;
}

/** A message the user sent that the server has not stored yet (waiting in the outbox) or refused. */
export interface PendingMessage {
  client_id: string;
  room_id: string;
  parent_id: string | null;
  content: string;
  queued_at: string;
  failed: { code: string; message: string } | null;
  /** Files sent with it: their names and sizes for the pending line, and the ids once uploaded (a promise while they upload). */
  upload?: { files: { name: string; size: number }[]; ids: Promise<string[]> } | undefined;
}

export interface ThreadState {
  ids: string[];
  hasOlder: boolean;
  loading: boolean;
}

export type AuthPhase = 'loading' | 'signed-out' | 'signed-in';

export interface State {
  auth: AuthPhase;
  /** Why the last session ended, shown on the login screen (revoked elsewhere, deactivated). */
  signedOutReason: string | null;
  me: Me | null;
  connection: { status: 'connecting' | 'connected' | 'disconnected'; nextRetryAt: number | null };
  rooms: Record<string, Room>;
  roomsLoaded: boolean;
  messages: Record<string, Message>;
  timelines: Record<string, Timeline>;
  threads: Record<string, ThreadState>;
  pending: Record<string, PendingMessage>;
  /** room → user → when their "typing" expires (ms since epoch). */
  typing: Record<string, Record<string, number>>;
  presence: Record<string, Presence>;
  users: Record<string, User>;
  members: Record<string, RoomMember[]>;
  notifications: { items: Notification[]; unread: number; unreadByRoom: Record<string, number>; loaded: boolean };
}

export const initialState: State = {
  auth: 'loading',
  signedOutReason: null,
  me: null,
  connection: { status: 'disconnected', nextRetryAt: null },
  rooms: {},
  roomsLoaded: false,
  messages: {},
  timelines: {},
  threads: {},
  pending: {},
  typing: {},
  presence: {},
  users: {},
  members: {},
  notifications: { items: [], unread: 0, unreadByRoom: {}, loaded: false },
};
