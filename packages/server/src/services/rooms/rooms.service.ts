import type { z } from 'zod';
import {
  DEFAULT_SERVER_LIMITS,
  type AttachmentView,
  type CreateRoomBody,
  type RoomFlagsBody,
  type RoomPreview,
  type RoomView,
  type ServerLimits,
  type UpdateRoomBody,
} from '@rooms/protocol';
import { checkRoomName } from '../../policies/limits.policy.ts';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { inTransaction } from '../../events/unit-of-work.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AttachmentRow } from '../../store/attachment-types.ts';
import type { NotificationLevel, RoomRow } from '../../store/room-types.ts';
import type { RoomFilter, Store } from '../../store/store.ts';
import type { Page } from '../../store/types.ts';
import { requireActiveUser } from '../users/active-user.ts';
import type { RoomCaps } from './caps.ts';
import { recordSystemMessage, roomChangeSentences } from '../messages/system-messages.ts';
import { directKey, insertDirectRoom, newDirectRoom } from './direct-rooms.ts';
import { addMember, deleteRoom, removeMember } from './membership-ops.ts';
import { showTo } from './room-visibility.ts';
import { authorize } from './room-access.ts';
import { toPreview, toRoomView } from './room-presenter.ts';

type View = z.infer<typeof RoomView>;
type Preview = z.infer<typeof RoomPreview>;

export interface RoomsDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
  categories: readonly string[];
  caps: RoomCaps;
  /** ROOM_NAME_MAX and the other configured limits (SPEC §12). */
  limits?: ServerLimits;
  /** Cover views, their URLs signed for the room (AttachmentsService). */
  attachments: { view(row: AttachmentRow, subject: { room: string }): AttachmentView };
}

/** Rooms themselves: create, read, update, delete, discovery, join and leave, direct rooms. */
export class RoomsService {
  private readonly d: RoomsDeps;

  constructor(deps: RoomsDeps) {
    this.d = deps;
  }

  /** Creates a public or private room; the creator is its owner. */
  async create(actor: Actor, input: z.output<typeof CreateRoomBody>): Promise<View> {
    checkRoomName(this.d.limits ?? DEFAULT_SERVER_LIMITS, input.name);
    this.checkCategories(input.categories);
    const now = this.d.clock.now();
    const id = newId();
    await inTransaction(this.d.store, this.d.bus, now, async (work) => {
      const room = await work.tx.rooms.insert({
        id,
        type: input.type,
        name: input.name,
        description: input.description ?? null,
        topic_kind: input.topic_kind,
        categories: [...new Set(input.categories)],
        member_limit: input.member_limit ?? null,
        direct_key: null,
        created_by: actor.id,
        created_at: work.now,
      });
      await addMember(work, room, actor.id, 'owner', actor.id, { caps: this.d.caps, actorId: actor.id, quiet: true });
    });
    return this.view(actor, id);
  }

  /** A member sees the whole room; anyone signed in sees a public room's discovery fields; others get 404. */
  async get(actor: Actor, roomId: string): Promise<View | Preview> {
    const { room, membership } = await authorize(this.d.store, actor, roomId, 'preview', this.d.clock.now());
    if (!membership) return toPreview(room, await this.cover(room));
    return this.view(actor, roomId);
  }

  async update(actor: Actor, roomId: string, input: z.output<typeof UpdateRoomBody>): Promise<View> {
    let patch = input;
    checkRoomName(this.d.limits ?? DEFAULT_SERVER_LIMITS, patch.name);
    if (patch.categories) this.checkCategories(patch.categories);
    await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
      const { room } = await authorize(work.tx, actor, roomId, 'update', this.d.clock.now());
      if (patch.member_limit !== undefined && patch.member_limit !== null && patch.member_limit < room.member_count) {
        throw new DomainError('validation_failed', `The room already has ${room.member_count} members: the limit cannot be lower.`, {
          details: [{ field: 'body.member_limit', message: `must be at least ${room.member_count}` }],
        });
      }
      if (patch.cover_attachment_id) await this.checkCover(work.tx, actor, patch.cover_attachment_id, patch.topic_kind ?? room.topic_kind);
      else if (patch.topic_kind === 'text' && room.cover_attachment_id) patch = { ...patch, cover_attachment_id: null };
      const updated = (await work.tx.rooms.update(roomId, {
        ...patch,
        ...(patch.categories ? { categories: [...new Set(patch.categories)] } : {}),
      }))!;
      const cover = await this.cover(updated, work.tx);
      await work.record(roomId, () => ({ type: 'room_updated', data: { room: toPreview(updated, cover) } }));
      for (const said of roomChangeSentences(room, updated)) await recordSystemMessage(work, roomId, actor.id, said);
    });
    return this.view(actor, roomId);
  }

  /** Server admins feature rooms (promoted in discovery) or archive them (read-only). */
  async setFlags(actor: Actor, roomId: string, flags: z.output<typeof RoomFlagsBody>): Promise<Preview> {
    return inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
      await authorize(work.tx, actor, roomId, 'set_flags', this.d.clock.now());
      const updated = (await work.tx.rooms.update(roomId, flags))!;
      const preview = toPreview(updated, await this.cover(updated, work.tx));
      await work.record(roomId, () => ({ type: 'room_updated', data: { room: preview } }));
      return preview;
    });
  }

  async delete(actor: Actor, roomId: string): Promise<void> {
    await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
      const { room } = await authorize(work.tx, actor, roomId, 'delete', this.d.clock.now());
      const members = await work.tx.members.list(roomId, 10_000);
      await deleteRoom(
        work,
        room,
        members.items.map((m) => m.user.id),
      );
    });
  }

  /** A page of my rooms, most recent activity first, each with my unread count. */
  async listMine(
    actor: Actor,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: View[]; next_cursor: string | null }> {
    const { items: rows, next_cursor } = await this.d.store.rooms.listForUser(actor.id, page);
    const directIds = rows.filter((r) => r.room.type === 'direct').map((r) => r.room.id);
    const [peers, covers, unread] = await Promise.all([
      this.d.store.members.peers(directIds, actor.id),
      this.covers(rows.map((r) => r.room)),
      Promise.all(
        rows.map((r) =>
          r.room.last_seq > r.membership.last_read_seq
            ? this.d.store.messages.countUnread(r.room.id, actor.id, r.membership.last_read_seq)
            : 0,
        ),
      ),
    ]);
    return {
      items: rows.map((r, i) => toRoomView(r.room, covers.get(r.room.id) ?? null, r.membership, unread[i]!, peers.get(r.room.id))),
      next_cursor,
    };
  }

  async listPublic(_actor: Actor, filter: RoomFilter): Promise<Page<Preview>> {
    const page = await this.d.store.rooms.listPublic(filter);
    const covers = await this.covers(page.items);
    return { items: page.items.map((r) => toPreview(r, covers.get(r.id) ?? null)), next_cursor: page.next_cursor };
  }

  /** Joins a public room (idempotent). Banned users and full rooms are refused. */
  async join(actor: Actor, roomId: string): Promise<View> {
    await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
      const { room } = await authorize(work.tx, actor, roomId, 'join', this.d.clock.now());
      await addMember(work, room, actor.id, 'member', actor.id, { caps: this.d.caps, actorId: actor.id });
    });
    return this.view(actor, roomId);
  }

  /**
   * Leaves a room. An owner must hand the room over first, unless they are the last member:
   * then the room is deleted with them.
   */
  async leave(actor: Actor, roomId: string): Promise<{ deleted: boolean }> {
    return inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
      const access = await authorize(work.tx, actor, roomId, 'leave', this.d.clock.now());
      if (access.membership?.role === 'owner') {
        if (access.room.member_count > 1)
          throw new DomainError('owner_must_transfer', 'Transfer ownership before leaving (or delete the room).');
        await deleteRoom(work, access.room, [actor.id]);
        return { deleted: true };
      }
      await removeMember(work, roomId, actor.id, 'left', actor.id);
      return { deleted: false };
    });
  }

  /**
   * Opens (or returns) the one direct room of the pair. Refused when either blocks the other.
   * Opening a room I had hidden lists it for me again (the other person's list is theirs).
   */
  async openDirect(actor: Actor, userId: string): Promise<{ room: View; created: boolean }> {
    if (userId === actor.id) throw new DomainError('cannot_target_self', 'You cannot open a direct room with yourself.');
    const peer = await requireActiveUser(this.d.store, userId);
    if (await this.d.store.blocks.between(actor.id, userId)) throw new DomainError('blocked', 'You cannot message this user.');
    const key = directKey(actor.id, userId);
    const existing = await this.d.store.rooms.findByDirectKey(key);
    if (existing) return { room: await this.reopen(actor, existing.id), created: false };
    let roomId: string;
    try {
      roomId = await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
        const room = await insertDirectRoom(work, newDirectRoom(actor.id, peer.id, work.now), actor.id, peer.id, this.d.caps);
        return room.id;
      });
    } catch (err) {
      // Both sides opened it at once: the unique direct_key let one win; answer with that room.
      const winner = await this.d.store.rooms.findByDirectKey(key);
      if (!winner) throw err;
      return { room: await this.reopen(actor, winner.id), created: false };
    }
    return { room: await this.view(actor, roomId), created: true };
  }

  /** An existing direct room, opened: listed for the actor again if they had hidden it. */
  private async reopen(actor: Actor, roomId: string): Promise<View> {
    const mine = await this.d.store.members.get(roomId, actor.id);
    if (mine?.hidden_at)
      await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), (work) => showTo(work, actor.id, roomId, 'opened'));
    return this.view(actor, roomId);
  }

  async setNotificationLevel(actor: Actor, roomId: string, level: NotificationLevel): Promise<void> {
    await authorize(this.d.store, actor, roomId, 'read', this.d.clock.now());
    await this.d.store.members.update(roomId, actor.id, { notification_level: level });
  }

  /** The full view of a room the actor belongs to. */
  async view(actor: Actor, roomId: string): Promise<View> {
    const room = await this.d.store.rooms.findById(roomId);
    const membership = room && (await this.d.store.members.get(roomId, actor.id));
    if (!room || !membership) throw new DomainError('room_not_found', 'No such room.');
    const unread =
      room.last_seq > membership.last_read_seq ? await this.d.store.messages.countUnread(roomId, actor.id, membership.last_read_seq) : 0;
    const peer = room.type === 'direct' ? (await this.d.store.members.peers([roomId], actor.id)).get(roomId) : undefined;
    return toRoomView(room, await this.cover(room), membership, unread, peer);
  }

  /**
   * Rooms' covers, signed for the room: room views go to every member at once (room_updated), and
   * discovery shows public rooms to anyone signed in, who may all see the cover.
   */
  private async covers(rooms: RoomRow[], store: Store = this.d.store): Promise<Map<string, AttachmentView>> {
    const wanted = rooms.filter((r) => r.cover_attachment_id !== null);
    if (wanted.length === 0) return new Map();
    const rows = new Map((await store.attachments.findByIds(wanted.map((r) => r.cover_attachment_id!))).map((a) => [a.id, a]));
    const out = new Map<string, AttachmentView>();
    for (const r of wanted) {
      const a = rows.get(r.cover_attachment_id!);
      if (a) out.set(r.id, this.d.attachments.view(a, { room: r.id }));
    }
    return out;
  }

  private async cover(room: RoomRow, store: Store = this.d.store): Promise<AttachmentView | null> {
    return (await this.covers([room], store)).get(room.id) ?? null;
  }

  /** A cover is an image or a video the admin setting it uploaded, for an image or video room. */
  private async checkCover(store: Store, actor: Actor, id: string, topicKind: RoomRow['topic_kind']): Promise<void> {
    const field = 'body.cover_attachment_id';
    if (topicKind === 'text')
      throw new DomainError('validation_failed', 'Only image and video rooms have a cover.', {
        details: [{ field, message: 'needs topic_kind image or video' }],
      });
    const a = await store.attachments.findById(id);
    if (!a || a.uploader_id !== actor.id)
      throw new DomainError('attachment_not_found', 'No such upload: a cover must be an image or video you uploaded.', {
        details: [{ field, message: 'is not one of your uploads' }],
      });
    if (a.kind !== 'image' && a.kind !== 'video')
      throw new DomainError('validation_failed', 'A cover must be an image or a video.', {
        details: [{ field, message: 'is not an image or a video' }],
      });
  }

  private checkCategories(categories: string[]): void {
    const unknown = categories.filter((c) => !this.d.categories.includes(c));
    if (unknown.length > 0) {
      throw new DomainError(
        'invalid_category',
        `Unknown categories: ${unknown.join(', ')}. Choose from: ${this.d.categories.join(', ')}.`,
        {
          details: unknown.map((c) => ({ field: 'body.categories', message: `"${c}" is not a category` })),
        },
      );
    }
  }
}
