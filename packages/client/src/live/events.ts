import type { EventData, EventMessage, EventName, ReadyData } from '@rooms/protocol';

export type { EventMessage };

/** The data of every event the server sends, by name: the protocol's event map, and `ready`. */
export type EventDataMap = { [N in EventName]: EventData<N> } & { ready: ReadyData };

/** A server event: narrow on `type`. Room events carry room_id, and durable ones their seq. */
export type ServerEvent = {
  [K in keyof EventDataMap]: { type: K; room_id?: string; seq?: number; data: EventDataMap[K] };
}[keyof EventDataMap];

/** The answer to a client frame that carried an id. */
export type AnswerFrame =
  | { type: 'ack'; id: string; data?: unknown }
  | { type: 'error'; id?: string; error?: { code: string; message: string; details?: unknown; retry_after?: number } };

/** Any frame the server sends: an event, or an ack / error answering a frame with an id. */
export type ServerFrame = ServerEvent | AnswerFrame;
