import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { MessageView } from './messages.ts';
import { NotificationView } from './notifications.ts';
import { BroadcastEvent, PresenceStatus, SessionEvent } from './presence.ts';
import { Role, RoomPreview } from './rooms.ts';
import { UserSummary } from './users.ts';

/** A message as events carry it: the per-reader fields of MessageView are not in events. */
export const EventMessage = MessageView.omit({ reactions: true, read_by_count: true, receipt: true, pinned: true });
export type EventMessage = z.infer<typeof EventMessage>;

/** One event: its name and the schema of its data. */
const event = <N extends string, S extends z.ZodType>(type: N, data: S) => z.object({ type: z.literal(type), data });

const MessageRef = { room_id: Id, message_id: Id };
const ReactionData = z.object({ ...MessageRef, user_id: Id, emoji: z.string() });

/*
 * The event map: every event the server sends, by name, with the schema of its data, grouped by
 * whom it is addressed to (which is also how the server routes it). This is the one list of
 * events: the server's unit of work records them, its hub routes them, every transport sends them
 * and the SDK reads them, all typed from here. On the wire an event is `{ type, data }`; a room
 * event also carries `room_id` and, when stored, `seq`.
 */

/** Room events stored in the room's log under the room's next seq, and replayed on resume. */
export const DurableRoomEvents = z.discriminatedUnion('type', [
  event('message_created', z.object({ message: EventMessage })),
  event('message_updated', z.object({ message: EventMessage })),
  event('message_deleted', z.object({ ...MessageRef, deleted_by: Id })),
  event('reaction_added', ReactionData),
  event('reaction_removed', ReactionData),
  event('message_pinned', z.object({ ...MessageRef, pinned_by: Id })),
  event('message_unpinned', z.object({ ...MessageRef, unpinned_by: Id })),
  /** user is null when the account was gone when the event was recorded. */
  event('user_joined', z.object({ room_id: Id, user: UserSummary.nullable(), role: Role, added_by: Id.nullable() })),
  event('user_left', z.object({ room_id: Id, user_id: Id, reason: z.enum(['left', 'removed', 'banned']), by: Id.nullable() })),
  event('member_updated', z.object({ room_id: Id, user_id: Id, role: Role, muted: z.boolean(), muted_until: Timestamp.nullable() })),
  event('room_updated', z.object({ room: RoomPreview })),
]);

/** Room events sent to the members online now and not stored (no seq). */
export const EphemeralRoomEvents = z.discriminatedUnion('type', [
  /** The room's log goes with it. */
  event('room_deleted', z.object({ room_id: Id })),
  event(
    'read_updated',
    z.object({
      room_id: Id,
      user_id: Id,
      last_read_seq: z.number().int(),
      last_read_message_id: Id.nullable(),
      read_at: Timestamp.nullable(),
    }),
  ),
  event('user_typing', z.object({ room_id: Id, user_id: Id, typing: z.boolean(), expires_in_ms: z.number().int() })),
  /** Direct rooms: the user's client received the room's messages up to delivered_seq (their senders' receipts become `delivered`). */
  event('delivered_updated', z.object({ room_id: Id, user_id: Id, delivered_seq: z.number().int() })),
]);

/** Events for one user's connections. */
export const UserEvents = z.discriminatedUnion('type', [
  event('notification', NotificationView),
  /** I hid a direct room (on any of my clients): it leaves my room list. */
  event('room_hidden', z.object({ room_id: Id })),
  /** A direct room I had hidden is in my list again: a new message arrived in it, I opened it, or I showed it. */
  event('room_unhidden', z.object({ room_id: Id, reason: z.enum(['message', 'opened', 'shown']) })),
]);

/** Events for some users' connections and the members of some rooms (a user's co-members). */
export const UsersEvents = z.discriminatedUnion('type', [
  event('presence_updated', z.object({ user_id: Id, status: PresenceStatus, last_active: Timestamp.nullable() })),
  /** A user's name, username or avatar changed: to their co-members and their own connections (issue 18). */
  event('user_updated', z.object({ user: UserSummary })),
]);

/** Events for every connection (or the terminal sessions that asked for login/logout notices). */
export const EveryoneEvents = z.discriminatedUnion('type', [
  event('user_online', SessionEvent),
  event('user_offline', SessionEvent),
  event('broadcast', BroadcastEvent),
]);

/** Every event the server sends: `{ type, data }`, narrowed by type. */
export const ServerEvents = z.discriminatedUnion('type', [
  ...DurableRoomEvents.options,
  ...EphemeralRoomEvents.options,
  ...UserEvents.options,
  ...UsersEvents.options,
  ...EveryoneEvents.options,
]);
export type EventPayload = z.infer<typeof ServerEvents>;
/** The name of an event the server sends. */
export type EventName = EventPayload['type'];
/** The data of an event, by name. */
export type EventData<N extends EventName> = Extract<EventPayload, { type: N }>['data'];

interface Audiences {
  room: typeof DurableRoomEvents;
  room_ephemeral: typeof EphemeralRoomEvents;
  user: typeof UserEvents;
  users: typeof UsersEvents;
  all: typeof EveryoneEvents;
}
/** Whom an event is addressed to: see the groups above. */
export type EventAudience = keyof Audiences;
/** The names of the events of some audiences. */
export type EventNameTo<A extends EventAudience> = z.infer<Audiences[A]>['type'];

/** The names of every event, in the map's order. */
export const EVENT_NAMES: readonly EventName[] = ServerEvents.options.map((o) => o.shape.type.value);
