import type { ClientUserEvent, EveryoneEvent, RoomEvent, UsersEvent } from '../events/events.ts';

/** An event a client may receive: every domain event but the internal ones. */
export type SentEvent = RoomEvent | ClientUserEvent | UsersEvent | EveryoneEvent;

/**
 * An event as every transport sends it: its wire JSON (`{ type, room_id?, seq?, data }`), encoded
 * once per event however many receive it. The hub hands the same object to every recipient, so a
 * transport that wraps the JSON in a frame of its own can build that frame once per event too,
 * keyed by this object (the WebSocket transport does: transports/ws/frames.ts).
 */
export interface EncodedEvent {
  readonly json: string;
  /** A message_created's room, seq and sender: a recipient's session reports its delivery (services/realtime/deliveries.ts). */
  readonly message?: { readonly room_id: string; readonly seq: number; readonly sender_id: string };
}

/** Encodes an event once, for every recipient on every transport. */
export function encodeEvent(e: SentEvent): EncodedEvent {
  if (e.kind === 'room') {
    const json = JSON.stringify(
      e.seq === undefined
        ? { type: e.type, room_id: e.room_id, data: e.data }
        : { type: e.type, room_id: e.room_id, seq: e.seq, data: e.data },
    );
    if (e.type === 'message_created' && e.seq !== undefined)
      return { json, message: { room_id: e.room_id, seq: e.seq, sender_id: e.data.message.sender.id } };
    return { json };
  }
  return { json: JSON.stringify({ type: e.type, data: e.data }) };
}
