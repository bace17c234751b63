import type { BroadcastEvent, MessageView, PresenceStatus, ServerEventType, SessionEvent, UserSummary } from '@rooms/protocol';
import type { z } from 'zod';

/** A message as events carry it (the per-reader fields of MessageView are not in events). */
export type EventMessage = Omit<MessageView, 'reactions' | 'read_by_count' | 'receipt' | 'pinned'>;

/** The data of the events clients most often act on. */
export interface EventDataMap {
  ready: { user_id: string; rooms: { room_id: string; last_seq: number }[] };
  message_created: { message: EventMessage };
  message_updated: { message: EventMessage };
  message_deleted: { message_id: string; room_id: string; deleted_by: string };
  user_joined: { room_id: string; user: UserSummary | null; role: string; added_by: string | null };
  user_left: { room_id: string; user_id: string; reason: 'left' | 'removed' | 'banned'; by: string | null };
  room_deleted: { room_id: string };
  presence_updated: { user_id: string; status: z.infer<typeof PresenceStatus>; last_active: string | null };
  user_online: z.infer<typeof SessionEvent>;
  user_offline: z.infer<typeof SessionEvent>;
  broadcast: z.infer<typeof BroadcastEvent>;
}

type Typed = { [K in keyof EventDataMap]: { type: K; room_id?: string; seq?: number; data: EventDataMap[K] } }[keyof EventDataMap];
type Other = { type: Exclude<ServerEventType, keyof EventDataMap | 'ack' | 'error'>; room_id?: string; seq?: number; data: unknown };

/** A server event: narrow on `type`. Room events carry room_id, and durable ones their seq. */
export type ServerEvent = Typed | Other;

/** Any frame the server sends (events, and ack / error answers to frames with an id). */
export interface ServerFrame {
  type: string;
  id?: string;
  room_id?: string;
  seq?: number;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown; retry_after?: number };
}
