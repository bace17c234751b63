import type { MessageView } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { RoomRow } from '../../store/room-types.ts';
import type { Store } from '../../store/store.ts';
import type { RoomCaps } from '../rooms/caps.ts';
import { directKey, insertDirectRoom, newDirectRoom } from '../rooms/direct-rooms.ts';
import { requireActiveUser } from '../users/active-user.ts';
import type { MessagesService, SendInput } from './messages.service.ts';

export interface DirectSendDeps {
  store: Store;
  clock: Clock;
  caps: RoomCaps;
  messages: MessagesService;
}

export interface DirectSendResult {
  room_id: string;
  /** This call opened the room (its first message). */
  room_created: boolean;
  message: MessageView;
  /** false: a resend (same client_id) answered with the original message. */
  created: boolean;
}

/**
 * Messaging a person rather than a room (SPEC 2: a direct room is created, or returned, when one
 * user messages another): one call opens the pair's direct room if it has none and sends into it.
 * Every rule of a send holds as in the room (blocks, deactivated accounts, rate limit, content and
 * upload checks, client_id resends); a send refused before it is stored opens nothing.
 */
export class DirectSendService {
  private readonly d: DirectSendDeps;

  constructor(deps: DirectSendDeps) {
    this.d = deps;
  }

  async sendToUser(actor: Actor, userId: string, input: SendInput): Promise<DirectSendResult> {
    if (userId === actor.id) throw new DomainError('cannot_target_self', 'You cannot send a direct message to yourself.');
    const peer = await requireActiveUser(this.d.store, userId);
    if (await this.d.store.blocks.between(actor.id, peer.id)) throw new DomainError('blocked', 'You cannot message this user.');
    const key = directKey(actor.id, peer.id);
    const existing = await this.d.store.rooms.findByDirectKey(key);
    if (existing) return { room_id: existing.id, room_created: false, ...(await this.d.messages.send(actor, existing.id, input)) };

    const draft = newDirectRoom(actor.id, peer.id, this.d.clock.now().toISOString());
    // What the send's checks see before the transaction stores it (the transaction replaces it with the stored row).
    const room: RoomRow = {
      ...draft,
      member_count: 2,
      featured: false,
      archived: false,
      last_seq: 0,
      last_message_at: null,
      cover_attachment_id: null,
      like_count: 0,
    };
    const opening = {
      room,
      memberIds: [actor.id, peer.id],
      open: (work: Parameters<typeof insertDirectRoom>[0]) => insertDirectRoom(work, draft, actor.id, peer.id, this.d.caps),
    };
    try {
      // Through send itself, so every check a send makes before its transaction applies here too.
      return { room_id: room.id, room_created: true, ...(await this.d.messages.send(actor, room.id, input, { opening })) };
    } catch (err) {
      // A refusal of the send stands. Anything else may be the other person's first message
      // opening the room at the same moment (the unique pair key let theirs win): send into it,
      // counted once against the rate limit.
      if (err instanceof DomainError) throw err;
      const winner = await this.d.store.rooms.findByDirectKey(key);
      if (!winner) throw err;
      return { room_id: winner.id, room_created: false, ...(await this.d.messages.send(actor, winner.id, input, { rateCounted: true })) };
    }
  }
}
