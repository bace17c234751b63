import type { z } from 'zod';
import type { FollowedRoomPage, RoomLikeResult, RoomPreview, UserSummary } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AttachmentRow } from '../../store/attachment-types.ts';
import type { RoomRow } from '../../store/room-types.ts';
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

/** Seed 000's room likes, "rooms of people I follow" and a room with its author. */
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

  /**
   * A room the actor may see (as GET /rooms/:id allows), with its creator: seed 000's search by
   * id. The creator shows as any user does where mentioned (a hidden account without its name).
   */
  async withAuthor(
    actor: Actor,
    roomId: string,
  ): Promise<{ room: z.infer<typeof RoomPreview>; author: UserSummary | null; created_at: string }> {
    const { room } = await authorize(this.d.store, actor, roomId, 'preview', this.d.clock.now());
    const [author] = room.created_by ? await this.d.store.users.findByIds([room.created_by]) : [];
    const [preview] = await this.previews([room]);
    return { room: preview!, author: author ? toSummary(author) : null, created_at: room.created_at };
  }

  /** Rooms created by the people the actor follows, that the actor may see, newest first. */
  async followingRooms(actor: Actor, page: { limit: number; cursor?: string | undefined }): Promise<z.infer<typeof FollowedRoomPage>> {
    const { items, next_cursor } = await this.d.store.roomLikes.roomsOfFollowed(actor.id, page.limit, page.cursor);
    const previews = await this.previews(items.map((i) => i.room));
    return {
      items: items.map(({ room, author }, i) => ({ room: previews[i]!, author: toSummary(author), created_at: room.created_at })),
      next_cursor,
    };
  }

  /** Rooms' discovery fields, with their covers signed for each room. */
  private async previews(rooms: RoomRow[]): Promise<z.infer<typeof RoomPreview>[]> {
    const coverIds = rooms.map((r) => r.cover_attachment_id).filter((id): id is string => id !== null);
    const covers = new Map((await this.d.store.attachments.findByIds(coverIds)).map((a) => [a.id, a]));
    return rooms.map((room) => {
      const cover = room.cover_attachment_id ? covers.get(room.cover_attachment_id) : undefined;
      return toPreview(room, cover ? this.d.attachments.view(cover, { room: room.id }) : null);
    });
  }
}
