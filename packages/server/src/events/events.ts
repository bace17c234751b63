import type { EventData, EventNameTo } from '@rooms/protocol';

/**
 * Domain events, published after commit: the events of the protocol's event map (EVENTS in
 * @rooms/protocol, the one list of names and payloads), each with how it is addressed, plus the
 * internal user events (InternalUserEvents: for every node's caches and hubs, never sent to a
 * client). Room events carry the room's seq when they are durable (stored, replayable); ephemeral
 * ones (read points, typing) have no seq.
 */

/** Events stored in the room's log under its seq. */
export type DurableRoomEventType = EventNameTo<'room'>;
/** Every event addressed to a room's members, stored or not. */
export type RoomEventType = EventNameTo<'room' | 'room_ephemeral'>;

interface RoomEventOf<T extends RoomEventType> {
  kind: 'room';
  room_id: string;
  type: T;
  /** Present for durable events: the room's seq under which the event is stored. */
  seq?: number;
  data: EventData<T>;
  /** Users who must receive the event even though they are no longer members (the removed user). */
  also_to?: string[];
  /** A user who must not receive it (typing: the typist). */
  exclude?: string;
}
/** Each room event's shape, by name: a room event of a type known only as a type parameter is RoomEvents[T]. */
export type RoomEvents = { [T in RoomEventType]: RoomEventOf<T> };
export type RoomEvent = RoomEvents[RoomEventType];

/** What the server's own caches and hubs on every node hear about a user, by name; never sent to a client. */
export interface InternalUserEvents {
  /**
   * The user's tokens below this version are revoked, or the one session named: their connections
   * close (4001, or 4003 when deactivated).
   */
  session_revoked: { token_version?: number; deactivated?: boolean; session_id?: string };
  /** The user's name, username or avatar changed (see profileChanged). */
  profile_changed: null;
}
type ClientUserEventName = EventNameTo<'user'>;
type UserEventName = ClientUserEventName | keyof InternalUserEvents;
type UserEventData<T extends UserEventName> = T extends ClientUserEventName
  ? EventData<T>
  : T extends keyof InternalUserEvents
    ? InternalUserEvents[T]
    : never;
/** A durable room event as it was published and is replayed: under its seq. */
export type LoggedRoomEvent = RoomEvent & { seq: number };

/** A durable room event as a use case describes it: its type and data; the unit of work adds the room and seq. */
export type RoomEventDraft = { [T in DurableRoomEventType]: { type: T; data: EventData<T> } }[DurableRoomEventType];

type UserEventOf<T extends UserEventName> = { kind: 'user'; user_id: string; type: T; data: UserEventData<T> };
/** An event for one user's connections, or (internal) for every node about that user. */
export type UserEvent = { [T in UserEventName]: UserEventOf<T> }[UserEventName];
/** A user event that is sent to the user's connections. */
export type ClientUserEvent = { [T in ClientUserEventName]: UserEventOf<T> }[ClientUserEventName];

/** The event that tells every node's caches that a user's public summary changed. */
export const profileChanged = (userId: string): UserEvent => ({ kind: 'user', user_id: userId, type: 'profile_changed', data: null });

type UsersEventOf<T extends EventNameTo<'users'>> = {
  kind: 'users';
  user_ids: string[];
  /** And every member of these rooms: each node's hub finds its local ones among the rooms' followers (no member list to read). */
  room_ids?: string[];
  type: T;
  data: EventData<T>;
};
/** An event for a set of users (presence goes to everyone who shares a room). */
export type UsersEvent = { [T in EventNameTo<'users'>]: UsersEventOf<T> }[EventNameTo<'users'>];

type EveryoneEventOf<T extends EventNameTo<'all'>> = {
  kind: 'all';
  type: T;
  data: EventData<T>;
  /** A user who must not receive it (the one who logged in or out). */
  exclude?: string;
  /**
   * Only connections that asked for login/logout notices (terminal sessions). Announcing every
   * login to every connection costs n² frames as a server fills up: 5,000 users connecting sent
   * 12.5 million notices nobody but terminal clients displays.
   */
  watchersOnly?: boolean;
};
/** An event for every connected user on every node (logins and logouts, broadcasts). */
export type EveryoneEvent = { [T in EventNameTo<'all'>]: EveryoneEventOf<T> }[EventNameTo<'all'>];

export type DomainEvent = RoomEvent | UserEvent | UsersEvent | EveryoneEvent;
