import { DomainError } from '../domain/errors.ts';
import type { EventBus } from '../ports/bus.ts';
import type { Store } from '../store/store.ts';
import type { DomainEvent, DurableRoomEventType, RoomEvent, RoomEventDraft } from './events.ts';

/**
 * Events whose row elsewhere is their entry in the room's log: a message row carries its room and
 * seq, and is replayed as message_created from the messages table (services/messages/room-log.ts).
 * A copy in room_events cost every send an insert and the pages it dirtied at commit.
 */
const LOGGED_BY_THEIR_ROW: ReadonlySet<DurableRoomEventType> = new Set(['message_created']);

/** What a use case may do inside its transaction besides writing: record durable room events and queue events to publish. */
export interface Work {
  tx: Store;
  now: string;
  /**
   * Records a durable room event: takes the room's next seq, calls event with it for the event's
   * type and data (typed by the protocol's event map), stores the event under it, and queues it
   * for publishing. A message_created is stored by the message row the use case inserts
   * under that seq (see LOGGED_BY_THEIR_ROW), not in the event log. A message passes messageAt so
   * the room's last_message_at moves too, and is refused (room_archived) if the room was archived
   * meanwhile; event then gets the message's time as well (strictly after the room's previous
   * message: see RoomRepository.nextMessageSeq), which the message must carry as its created_at.
   * Taking the seq locks the room's row until commit; event may be async and write under that lock
   * (rows a concurrent send also locks, such as a thread parent, must be written after it: the
   * same lock order everywhere, or PostgreSQL deadlocks).
   */
  record(
    roomId: string,
    event: (seq: number, messageAt: string) => RoomEventDraft | Promise<RoomEventDraft>,
    opts?: { messageAt?: string; alsoTo?: string[] },
  ): Promise<number>;
  /** Queues an event that is not stored (read points, deleted rooms, user events). */
  emit(event: DomainEvent): void;
}

/**
 * Runs a use case in one transaction and publishes its events only after the commit, so no
 * client ever hears of a change that was rolled back.
 */
export async function inTransaction<T>(store: Store, bus: EventBus, now: Date, fn: (work: Work) => Promise<T>): Promise<T> {
  const queued: DomainEvent[] = [];
  const nowIso = now.toISOString();
  const result = await store.transaction(async (tx) => {
    queued.length = 0;
    const work: Work = {
      tx,
      now: nowIso,
      async record(roomId, describe, opts = {}) {
        const taken =
          opts.messageAt === undefined
            ? { seq: await tx.rooms.nextSeq(roomId), at: nowIso }
            : await tx.rooms.nextMessageSeq(roomId, opts.messageAt);
        if (taken === undefined) throw new DomainError('room_archived', 'This room is archived: it is read-only.');
        const { seq } = taken;
        const draft = await describe(seq, taken.at);
        if (!LOGGED_BY_THEIR_ROW.has(draft.type))
          await tx.events.append({ room_id: roomId, seq, type: draft.type, payload: draft.data, created_at: nowIso });
        const event: RoomEvent = { kind: 'room', room_id: roomId, seq, ...draft, ...(opts.alsoTo ? { also_to: opts.alsoTo } : {}) };
        queued.push(event);
        return seq;
      },
      emit(event) {
        queued.push(event);
      },
    };
    return fn(work);
  });
  for (const e of queued) await bus.publish(e);
  return result;
}
