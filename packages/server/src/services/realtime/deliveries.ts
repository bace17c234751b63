import type { EventBus } from '../../ports/bus.ts';
import type { Store } from '../../store/store.ts';

/** How long receipts gather before they are written: one write per (room, reader) per window, however many frames. */
export const DELIVERY_FLUSH_MS = 250;
/** Room kinds remembered (a room's type never changes); past this, the memory starts again. */
const KNOWN_ROOMS_MAX = 50_000;

/**
 * `delivered` in direct rooms: a message counts as delivered when the other person's client
 * receives it over a live connection (LiveSession.send), as when they list it over REST. Calls
 * are cheap (a map entry; nothing at all for a room known not to be direct); every
 * DELIVERY_FLUSH_MS the highest seq per (room, reader) is written, and each write that moved the
 * point forward is published as delivered_updated, so the sender sees `delivered` live.
 */
export class Deliveries {
  private readonly d: { store: Store; bus: EventBus; flushMs: number };
  /** room → reader → highest seq received since the last flush. */
  private pending = new Map<string, Map<string, number>>();
  private readonly direct = new Map<string, boolean>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: { store: Store; bus: EventBus; flushMs?: number }) {
    this.d = { ...deps, flushMs: deps.flushMs ?? DELIVERY_FLUSH_MS };
  }

  /** A reader's connection was sent a message of a room (someone else's). */
  received(roomId: string, userId: string, seq: number): void {
    if (this.direct.get(roomId) === false) return;
    let readers = this.pending.get(roomId);
    if (!readers) this.pending.set(roomId, (readers = new Map()));
    if ((readers.get(userId) ?? 0) < seq) readers.set(userId, seq);
    this.timer ??= setTimeout(() => void this.flush(), this.d.flushMs).unref();
  }

  /** Writes what gathered; also called by tests and at shutdown. */
  async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    for (const [roomId, readers] of batch) {
      try {
        if (!(await this.isDirect(roomId))) continue;
        for (const [userId, seq] of readers) {
          if (!(await this.d.store.members.markDelivered(roomId, userId, seq))) continue;
          await this.d.bus.publish({
            kind: 'room',
            room_id: roomId,
            type: 'delivered_updated',
            data: { room_id: roomId, user_id: userId, delivered_seq: seq },
          });
        }
      } catch {
        // Best effort (the store closing at shutdown, a room just deleted): listing the
        // messages over REST marks them delivered too.
      }
    }
  }

  private async isDirect(roomId: string): Promise<boolean> {
    let known = this.direct.get(roomId);
    if (known === undefined) {
      const room = await this.d.store.rooms.findById(roomId);
      if (!room) return false;
      known = room.type === 'direct';
      if (this.direct.size >= KNOWN_ROOMS_MAX) this.direct.clear();
      this.direct.set(roomId, known);
    }
    return known;
  }
}
