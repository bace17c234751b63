import type { Actor } from '../../domain/actor.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { AttachmentViewer } from '../messages/message-presenter.ts';
import type { LoggedRoomEvent } from '../../events/events.ts';
import { roomLogAfter } from '../messages/room-log.ts';
import { authorize } from '../rooms/room-access.ts';
import { Deliveries } from './deliveries.ts';

/**
 * What a live connection needs of the rooms it follows, on any transport (/ws today, the
 * gateways later): the rooms to follow at connect, the right to follow one from a seq, and the
 * room's log to replay from. Transports call this and never the store.
 */
export class LiveSessionsService {
  private readonly d: { store: Store; clock: Clock; attachments: AttachmentViewer };
  /** Direct rooms' `delivered`, reported by the sessions as messages reach their connections. */
  readonly deliveries: Deliveries;

  constructor(deps: { store: Store; clock: Clock; bus: EventBus; attachments: AttachmentViewer; deliveryFlushMs?: number }) {
    this.d = deps;
    this.deliveries = new Deliveries({
      store: deps.store,
      bus: deps.bus,
      ...(deps.deliveryFlushMs !== undefined ? { flushMs: deps.deliveryFlushMs } : {}),
    });
  }

  /** A connection of userId was sent someone else's message: delivered, in a direct room (batched: see Deliveries). */
  received(roomId: string, userId: string, seq: number): void {
    this.deliveries.received(roomId, userId, seq);
  }

  /** Each room the user belongs to, with its last seq: what a connection follows from the start. */
  roomsOf(actor: Actor): Promise<{ room_id: string; last_seq: number }[]> {
    return this.d.store.rooms.seqsForUser(actor.id);
  }

  /**
   * The seq to follow a room from, for a reader who last saw lastSeq (or nothing: from now); 404 /
   * 403 as any read when the actor may not read the room. A seq past the room's is the room's.
   */
  async followFrom(actor: Actor, roomId: string, lastSeq: number | undefined): Promise<number> {
    const { room } = await authorize(this.d.store, actor, roomId, 'read', this.d.clock.now());
    return Math.min(lastSeq ?? room.last_seq, room.last_seq);
  }

  /** The room's durable events after a seq, in order, at most limit: for a connection already following it (followFrom checked the right). */
  eventsAfter(roomId: string, after: number, limit: number): Promise<LoggedRoomEvent[]> {
    return roomLogAfter(this.d.store, roomId, after, limit, this.d.attachments);
  }
}
