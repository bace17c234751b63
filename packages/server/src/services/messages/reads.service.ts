import type { z } from 'zod';
import type { ReaderList, ReadState } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import { decodeKey, encodeKey } from '../../store/cursor.ts';
import type { Store } from '../../store/store.ts';
import { pageFrom, type PageRequest } from '../../store/types.ts';
import { authorize } from '../rooms/room-access.ts';
import { toSummary } from '../users/user-presenter.ts';
import type { MessagesService } from './messages.service.ts';

/** Read points: each membership's last-read message, moved forward only; readers and unread counts derive from them. */
export class ReadsService {
  private readonly d: { store: Store; bus: EventBus; clock: Clock; messages: MessagesService };

  constructor(deps: { store: Store; bus: EventBus; clock: Clock; messages: MessagesService }) {
    this.d = deps;
  }

  /** Marks the room read up to a message (by id or seq); an older point than the current one changes nothing. */
  async markRead(
    actor: Actor,
    roomId: string,
    to: { message_id?: string | undefined; seq?: number | undefined },
  ): Promise<z.infer<typeof ReadState>> {
    const now = this.d.clock.now();
    const { room } = await authorize(this.d.store, actor, roomId, 'read', now);
    let target;
    if (to.message_id !== undefined) {
      target = await this.d.store.messages.findById(to.message_id);
      if (!target || target.room_id !== roomId) throw new DomainError('message_not_found', 'That message is not in this room.');
    } else {
      target = await this.d.store.messages.latestMessageAtOrBefore(roomId, Math.min(to.seq!, room.last_seq));
    }
    const seq = target ? target.seq : 0;
    const before = await this.d.store.members.get(roomId, actor.id);
    const after = (await this.d.store.members.markRead(roomId, actor.id, seq, target?.id ?? null, now.toISOString()))!;
    if (after.last_read_seq !== before?.last_read_seq) {
      await this.d.bus.publish({
        kind: 'room',
        room_id: roomId,
        type: 'read_updated',
        data: {
          room_id: roomId,
          user_id: actor.id,
          last_read_seq: after.last_read_seq,
          last_read_message_id: after.last_read_message_id,
          read_at: after.last_read_at,
        },
      });
    }
    return {
      last_read_seq: after.last_read_seq,
      last_read_message_id: after.last_read_message_id,
      last_read_at: after.last_read_at,
      unread_count: await this.d.store.messages.countUnread(roomId, actor.id, after.last_read_seq),
    };
  }

  /** Who has read a message: members (other than its sender) whose read point is at or past it. */
  async readers(actor: Actor, messageId: string, page: PageRequest): Promise<z.infer<typeof ReaderList>> {
    const { message } = await this.d.messages.load(actor, messageId, 'read');
    const rows = await this.d.store.members.readers(message.room_id, message.seq, message.sender_id);
    // Keyset over the reader's id: a member who reads between pages lands after the cursor or before it, never twice.
    const after = decodeKey(page.cursor, ['uuid'] as const)?.[0];
    const sorted = rows.map((r) => ({ user: toSummary(r.user), read_at: r.read_at })).sort((a, b) => (a.user.id < b.user.id ? -1 : 1));
    return pageFrom(after === undefined ? sorted : sorted.filter((r) => r.user.id > after), page.limit, (last) =>
      encodeKey([last.user.id]),
    );
  }
}
