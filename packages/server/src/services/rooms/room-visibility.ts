import type { Actor } from '../../domain/actor.ts';
import { inTransaction, type Work } from '../../events/unit-of-work.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import { authorize } from './room-access.ts';

type ShownBecause = 'message' | 'opened' | 'shown';

const shown = (work: Work, userId: string, roomId: string, reason: ShownBecause) =>
  work.emit({ kind: 'user', user_id: userId, type: 'room_unhidden', data: { room_id: roomId, reason } });

/**
 * Lists a direct room again for every member who hid it, in the unit of work that stores a new
 * message there (from either side), and tells each of them (all their clients) after the commit.
 */
export async function showToEveryone(work: Work, roomId: string): Promise<void> {
  for (const userId of await work.tx.members.unhideAll(roomId)) shown(work, userId, roomId, 'message');
}

/** Lists a direct room again for one member who opened it (POST /direct), if they had hidden it. */
export async function showTo(work: Work, userId: string, roomId: string, reason: ShownBecause): Promise<void> {
  if (await work.tx.members.setHidden(roomId, userId, null)) shown(work, userId, roomId, reason);
}

export interface RoomVisibilityDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
}

/**
 * Hiding a direct room from one's own list (as Slack's "close conversation"): the room, its log
 * and the other person's list are unchanged; only GET /rooms of the one who hid it leaves it out,
 * until a new message arrives in it or they open or show it again. Group rooms are left, not
 * hidden (not_allowed_here); a room the actor is not in is 404, as everywhere.
 */
export class RoomVisibilityService {
  private readonly d: RoomVisibilityDeps;

  constructor(deps: RoomVisibilityDeps) {
    this.d = deps;
  }

  /** Hides the direct room from my list (idempotent: hiding again changes nothing and tells no one). */
  async hide(actor: Actor, roomId: string): Promise<void> {
    const now = this.d.clock.now();
    await inTransaction(this.d.store, this.d.bus, now, async (work) => {
      await authorize(work.tx, actor, roomId, 'hide', now);
      if (await work.tx.members.setHidden(roomId, actor.id, work.now))
        work.emit({ kind: 'user', user_id: actor.id, type: 'room_hidden', data: { room_id: roomId } });
    });
  }

  /** Lists the direct room in my list again (idempotent). */
  async show(actor: Actor, roomId: string): Promise<void> {
    const now = this.d.clock.now();
    await inTransaction(this.d.store, this.d.bus, now, async (work) => {
      await authorize(work.tx, actor, roomId, 'hide', now);
      await showTo(work, actor.id, roomId, 'shown');
    });
  }
}
