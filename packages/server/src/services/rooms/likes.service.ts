import type { z } from 'zod';
import type { FollowedRoomPage, RoomLikeResult } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AttachmentRow } from '../../store/attachment-types.ts';
import type { Store } from '../../store/store.ts';
import type { AttachmentView } from '@rooms/protocol';
import { toSummary } from '../users/user-presenter.ts';
import { authorize } from './room-access.ts';
import { toPreview } from './room-presenter.ts';

export interface RoomLikesDeps {
  store: Store;
  clock: Clock;
  attachments: { view(row: AttachmentRow, subject: { room: string }): AttachmentView };
}

/** Seed 000's room likes and "rooms of people I follow". */
export class RoomLikesService {
  private readonly d: RoomLikesDeps;

  constructor(deps: RoomLikesDeps) {
    this.d = deps;
  }

  /** Likes a room the actor can see, or takes the like back; nobody likes their own room. */
  async toggle(actor: Actor, roomId: string): Promise<z.infer<typeof RoomLikeResult>> {
    const now = this.d.clock.now();
    return this.d.store.transaction(async (tx) => {
      const { room } = await authorize(tx, actor, roomId, 'preview', now);
      if (room.type === 'direct') throw new DomainError('not_allowed_here', 'Direct rooms cannot be liked.');
      if (room.created_by === actor.id) throw new DomainError('cannot_like_own_room', 'You cannot like your own room.');
      return tx.roomLikes.toggle(roomId, actor.id, now.toISOString());
    });
  }

  /** Rooms created by the people the actor follows, that the actor may see, newest first. */
  async followingRooms(actor: Actor, page: { limit: number; cursor?: string | undefined }): Promise<z.infer<typeof FollowedRoomPage>> {
    const { items, next_cursor } = await this.d.store.roomLikes.roomsOfFollowed(actor.id, page.limit, page.cursor);
    const coverIds = items.map((i) => i.room.cover_attachment_id).filter((id): id is string => id !== null);
    const covers = new Map((await this.d.store.attachments.findByIds(coverIds)).map((a) => [a.id, a]));
    return {
      items: items.map(({ room, author }) => {
        const cover = room.cover_attachment_id ? covers.get(room.cover_attachment_id) : undefined;
        return { room: toPreview(room, cover ? this.d.attachments.view(cover, { room: room.id }) : null), author: toSummary(author), created_at: room.created_at };
      }),
      next_cursor,
    };
  }
}
