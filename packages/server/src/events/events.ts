/**
 * Domain events, published after commit. Room events carry the room's seq when they are durable
 * (recorded in room_events, replayable); ephemeral ones (read points, typing) have no seq.
 */
export interface RoomEvent {
  kind: 'room';
  room_id: string;
  type: RoomEventType;
  /** Present for durable events: the room's seq under which the event is stored. */
  seq?: number;
  data: unknown;
  /** Users who must receive the event even though they are no longer members (the removed user). */
  also_to?: string[];
  /** A user who must not receive it (typing: the typist). */
  exclude?: string;
}

export interface UserEvent {
  kind: 'user';
  user_id: string;
  type: string;
  data: unknown;
  /** For the server's own caches on every node (a profile changed): never sent to a client. */
  internal?: boolean;
}

/** What a user's name, username or avatar changed to publishes (see profileChanged). */
export const PROFILE_CHANGED = 'profile_changed';

/** The event that tells every node's caches that a user's public summary changed. */
export const profileChanged = (userId: string): UserEvent => ({ kind: 'user', user_id: userId, type: PROFILE_CHANGED, data: null, internal: true });

/** An event for a set of users (presence goes to everyone who shares a room). */
export interface UsersEvent {
  kind: 'users';
  user_ids: string[];
  /** And every member of these rooms: each node's hub finds its local ones among the rooms' followers (no member list to read). */
  room_ids?: string[];
  type: string;
  data: unknown;
}

/** An event for every connected user on every node (logins and logouts, broadcasts). */
export interface EveryoneEvent {
  kind: 'all';
  type: string;
  data: unknown;
  /** A user who must not receive it (the one who logged in or out). */
  exclude?: string;
  /**
   * Only connections that asked for login/logout notices (terminal sessions). Announcing every
   * login to every connection costs n² frames as a server fills up: 5,000 users connecting sent
   * 12.5 million notices nobody but terminal clients displays.
   */
  watchersOnly?: boolean;
}

export type DomainEvent = RoomEvent | UserEvent | UsersEvent | EveryoneEvent;

export type RoomEventType =
  | 'message_created'
  | 'message_updated'
  | 'message_deleted'
  | 'reaction_added'
  | 'reaction_removed'
  | 'message_pinned'
  | 'message_unpinned'
  | 'user_joined'
  | 'user_left'
  | 'member_updated'
  | 'room_updated'
  | 'room_deleted'
  | 'read_updated'
  | 'user_typing';
