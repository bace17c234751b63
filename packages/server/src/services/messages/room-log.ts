import { DurableRoomEvents } from '@rooms/protocol';
import type { LoggedRoomEvent } from '../../events/events.ts';
import type { RoomEventRow } from '../../store/room-types.ts';
import type { Store } from '../../store/store.ts';
import { groupAttachments, toEventMessage, type AttachmentViewer } from './message-presenter.ts';

/**
 * A row of the event log as the event it records, read through the event map's schema: the
 * database hands back JSON, and what goes to clients is what the protocol says, or nothing.
 */
function fromLog(row: RoomEventRow): LoggedRoomEvent {
  const parsed = DurableRoomEvents.safeParse({ type: row.type, data: row.payload });
  if (!parsed.success)
    throw new Error(`room ${row.room_id}: the event at seq ${row.seq} (${row.type}) does not match the event map: ${parsed.error.message}`);
  return { kind: 'room', room_id: row.room_id, seq: row.seq, ...parsed.data };
}

/**
 * A room's durable events with seq > after, in order, at most limit. The log has two parts: the
 * room_events table, and the messages, whose rows are their own message_created entries (see
 * events/unit-of-work.ts). The first `limit` of their union lie within the first `limit` of each,
 * so two keyset reads and a merge give the page. A message replays as it is now, with its sender
 * as they are now: an edited one with its new text (its message_updated follows), a deleted one
 * as the tombstone, which is what a client reading the history would see. Without a viewer (tests
 * of the log's order) attachments are left out.
 */
export async function roomLogAfter(
  store: Store,
  roomId: string,
  after: number,
  limit: number,
  viewer?: AttachmentViewer,
): Promise<LoggedRoomEvent[]> {
  const [events, messages] = await Promise.all([
    store.events.listAfter(roomId, after, limit),
    store.messages.list(roomId, { afterSeq: after, limit }),
  ]);
  const [senderRows, attachments] = await Promise.all([
    store.users.findByIds(messages.map((m) => m.sender_id)),
    viewer ? store.attachments.forMessages(messages.map((m) => m.id)) : [],
  ]);
  const senders = new Map(senderRows.map((u) => [u.id, u]));
  // Replayed as it was published: URLs for the room's members (see toEventMessage).
  const filesOf = groupAttachments(attachments, (a) => viewer!.view(a, { room: roomId }));
  const out: LoggedRoomEvent[] = [];
  let e = 0;
  let m = 0;
  while (out.length < limit && (e < events.length || m < messages.length)) {
    const event = events[e];
    const message = messages[m];
    if (message && (!event || message.seq < event.seq)) {
      out.push({
        kind: 'room',
        room_id: roomId,
        seq: message.seq,
        type: 'message_created',
        data: { message: toEventMessage(message, senders.get(message.sender_id), filesOf.get(message.id)) },
      });
      m++;
    } else {
      out.push(fromLog(event!));
      e++;
    }
  }
  return out;
}
