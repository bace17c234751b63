import { ROOM_LIMITS, type AttachmentView, type MessageView, type ServerLimits } from '@rooms/protocol';
import { checkMessage } from '../../policies/limits.policy.ts';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { writeAudit } from '../audit/audit.service.ts';
import { newId } from '../../domain/ids.ts';
import { parseMentions } from '../../domain/mentions.ts';
import { inTransaction, type Work } from '../../events/unit-of-work.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import { decide } from '../../policies/room.policy.ts';
import type { AttachmentRow } from '../../store/attachment-types.ts';
import type { MembershipRow, MessageRow, MessageType, RoomRow } from '../../store/room-types.ts';
import type { Store } from '../../store/store.ts';
import type { UserRow } from '../../store/types.ts';
import { notifyForMessage } from '../notifications/notify.ts';
import { assertAllowed, authorize, type RoomAccess } from '../rooms/room-access.ts';
import { showToEveryone } from '../rooms/room-visibility.ts';
import { presentMessages, presentNewMessage, toEventMessage, type AttachmentViewer } from './message-presenter.ts';
import { isActive } from '../users/active-user.ts';
import { SendAccessCache } from './send-access-cache.ts';
import { refuseSystemMessage } from './system-messages.ts';
import { decodeMessageCursor, encodeMessageCursor } from './message-cursor.ts';

export interface SendInput {
  content: string;
  parent_id?: string | undefined;
  client_id?: string | undefined;
  /** Ids of the sender's own unposted uploads, in the order shown. */
  attachments?: string[] | undefined;
}

/** How a send is made, beyond what it says. */
export interface SendOptions {
  /** The caller already counted this send against the sender's rate (a retry of the same send). */
  rateCounted?: boolean;
  /**
   * The room does not exist yet: this first message opens it, in the message's transaction
   * (DirectSendService). Another opener of the same pair winning meanwhile fails the send on the
   * room's unique key (rolled back whole): the caller then sends into the winner's room.
   */
  opening?: RoomOpening;
}

/**
 * A direct room that does not exist yet, to be opened in the transaction of its first message
 * (DirectSendService): the room as it will be stored, its members, and the writes that open it.
 */
export interface RoomOpening {
  room: RoomRow;
  memberIds: string[];
  open(work: Work): Promise<RoomRow>;
}

export interface ListInput {
  limit: number;
  before?: string | undefined;
  after?: string | undefined;
  /** A next_cursor: continues in the direction of the page that gave it. */
  cursor?: string | undefined;
  parent_id?: string | undefined;
}

export interface MessagesDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
  rateLimiter: RateLimiter;
  editWindowSeconds?: number;
  /** MESSAGE_MAX_LENGTH (SPEC §12). */
  maxLength?: number;
  /** Views of attachments, and removal of their bytes (AttachmentsService). */
  attachments: AttachmentViewer & { removeBytes(rows: AttachmentRow[]): Promise<void> };
}

const messageNotFound = () => new DomainError('message_not_found', 'No such message.');
const mayMentionRoom = (m: MembershipRow | undefined) => m?.role === 'owner' || m?.role === 'admin';
/** Refusals that mean the room or the sender's place in it changed (see send). */
const ACCESS_CODES: ReadonlySet<string> = new Set([
  'room_not_found',
  'not_a_member',
  'room_archived',
  'muted',
  'forbidden',
  'not_allowed_here',
]);

/** Sending, listing, editing and deleting messages. The same methods serve REST, WebSocket and gateways. */
export class MessagesService {
  private readonly d: MessagesDeps;
  private readonly access: SendAccessCache;
  /** The configured message length, built once: checked on every send and edit. */
  private readonly lengthLimits: Pick<ServerLimits, 'message'>;

  constructor(deps: MessagesDeps) {
    this.d = deps;
    this.access = new SendAccessCache(deps.bus);
    this.lengthLimits = { message: { min: ROOM_LIMITS.message.min, max: deps.maxLength ?? ROOM_LIMITS.message.max } };
  }

  /**
   * Stores a message under the room's next seq and publishes message_created after commit.
   * A resend with the same client_id returns the original (created: false) and stores nothing.
   */
  async send(actor: Actor, roomId: string, input: SendInput, opts: SendOptions = {}): Promise<{ message: MessageView; created: boolean }> {
    this.checkLength(input.content);
    const now = this.d.clock.now();
    // A room this message opens has no access to check yet: its opener checked the pair.
    if (opts.opening) return this.create(actor, roomId, input, { room: opts.opening.room, membership: undefined }, now, opts);
    const hint = this.access.access(roomId, actor.id, now.getTime());
    // What the cache knew may be out of date: a refusal is always decided on a fresh read.
    if (hint && decide('send', { room: hint.room, membership: hint.membership, isServerAdmin: actor.isAdmin, now }).ok) {
      try {
        return await this.sendWith(actor, roomId, input, hint, now, opts);
      } catch (err) {
        // The transaction found the room or the membership changed since: start over from the database.
        if (!(err instanceof DomainError) || !ACCESS_CODES.has(err.code)) throw err;
        this.access.forgetRoom(roomId);
      }
    }
    const access = await authorize(this.d.store, actor, roomId, 'send', now);
    this.access.rememberAccess(roomId, actor.id, access.room, access.membership, now.getTime());
    return this.sendWith(actor, roomId, input, access, now, opts);
  }

  /**
   * The send itself, for a sender the room's policy allowed (from the database or, recently, the
   * cache). The transaction re-reads the membership after taking the room's seq (its row lock) and
   * takes the seq only while the room is not archived: what decides the send is the database's
   * state at that moment, whatever a concurrent removal, ban, mute or archive did before.
   *
   * A resend (same sender and client_id: the first answer was lost) is told by the unique index
   * on (sender, client_id), not by a lookup before every send: it was a fifth of a send's
   * statements, for the rare resend. Whatever else refuses a resend (a rate limit, a block since),
   * the message it resends was stored, and the answer is that message.
   */
  private async sendWith(
    actor: Actor,
    roomId: string,
    input: SendInput,
    access: RoomAccess,
    now: Date,
    opts: SendOptions,
  ): Promise<{ message: MessageView; created: boolean }> {
    try {
      return await this.create(actor, roomId, input, access, now, opts);
    } catch (err) {
      // A sender who may no longer send here is refused, resend or not.
      if (!input.client_id || (err instanceof DomainError && ACCESS_CODES.has(err.code))) throw err;
      const original = await this.d.store.messages.findByClientId(actor.id, input.client_id);
      if (!original) throw err;
      return { message: await this.presentOne(actor, access.room, original, roomId), created: false };
    }
  }

  /** Stores a new message (the checks after access, the transaction, the sender's view of it). */
  private async create(
    actor: Actor,
    roomId: string,
    input: SendInput,
    access: RoomAccess,
    now: Date,
    opts: SendOptions,
  ): Promise<{ message: MessageView; created: boolean }> {
    const { opening } = opts;
    // An opening's caller checked the pair (active, no block) before building it. Only a direct
    // room has a pair: other sends skip the call (an await, however empty, costs every send a turn
    // of the microtask queue).
    if (!opening && access.room.type === 'direct') await this.checkDirectBlock(access, actor);
    const parentId = input.parent_id ? await this.threadRoot(roomId, input.parent_id) : null;
    if (!opts.rateCounted) {
      const limit = await this.d.rateLimiter.hit(actor.id);
      if (!limit.allowed)
        throw new DomainError('rate_limited', 'You are sending too fast. Slow down.', { retryAfterSeconds: limit.retryAfterSeconds });
    }

    // Text without an @ mentions nobody, and most sends attach nothing: neither is awaited then.
    const { mentions: mentionIds, room: wantsRoom } = input.content.includes('@')
      ? await this.mentions(access, actor, input.content, opening?.memberIds)
      : { mentions: [], room: false };
    const files = input.attachments?.length ? await this.uploadsToPost(actor, input.attachments) : [];
    const type = messageTypeOf(files);

    let sender: UserRow | undefined;
    const stored = await inTransaction(this.d.store, this.d.bus, now, async (work) => {
      if (opening) access.room = await opening.open(work);
      sender = this.access.sender(actor.id, now.getTime());
      if (!sender) {
        sender = await work.tx.users.findById(actor.id);
        if (sender) this.access.rememberSender(sender, now.getTime());
      }
      let row!: MessageRow;
      await work.record(
        roomId,
        async (seq, at) => {
          const membership = await work.tx.members.get(roomId, actor.id);
          assertAllowed('send', { room: access.room, membership }, actor, now);
          // @room is an admin's or owner's right at the moment of sending.
          const mentionsRoom = wantsRoom && mayMentionRoom(membership);
          row = {
            id: newId(),
            room_id: roomId,
            seq,
            sender_id: actor.id,
            type,
            content: input.content,
            parent_id: parentId,
            client_id: input.client_id ?? null,
            mentions: mentionIds,
            mentions_room: mentionsRoom,
            reply_count: 0,
            created_at: at,
            edited_at: null,
            deleted_at: null,
          };
          return { type: 'message_created', data: { message: toEventMessage(row, sender, this.viewsFor(files, row, { room: roomId })) } };
        },
        { messageAt: work.now },
      );
      // A resend's client_id is refused here, by the unique index: the transaction rolls back (its seq too).
      const saved = await work.tx.messages.insert(row);
      // Linked in the message's transaction; an upload another send took meanwhile rolls this one back.
      if (
        files.length > 0 &&
        (await work.tx.attachments.post(
          actor.id,
          files.map((f) => f.id),
          row,
          work.now,
        )) !== files.length
      ) {
        throw new DomainError('validation_failed', 'An attachment was just posted with another message.', {
          details: [{ field: 'body.attachments', message: 'is already posted' }],
        });
      }
      if (parentId) await work.tx.messages.incrementReplies(parentId);
      // A direct room someone hid comes back to their list with this message (a new room has no one to show it to).
      if (access.room.type === 'direct' && !opening) await showToEveryone(work, roomId);
      await notifyForMessage(work, access.room, saved, sender);
      return saved;
    });
    if (access.room.type !== 'direct')
      return { message: presentNewMessage(stored, sender, this.viewsFor(files, stored, { user: actor.id })), created: true };
    return { message: await this.presentOne(actor, access.room, stored, roomId), created: true };
  }

  /** A page of messages, newest first (or oldest first after a point); stable while new ones arrive. */
  async list(
    actor: Actor,
    roomId: string,
    q: ListInput,
  ): Promise<{ items: MessageView[]; next: string | null; next_cursor: string | null }> {
    const { room } = await authorize(this.d.store, actor, roomId, 'read', this.d.clock.now());
    const at = q.cursor !== undefined ? decodeMessageCursor(q.cursor) : undefined;
    const before = at && 'before' in at ? at.before : q.before !== undefined ? await this.position(roomId, q.before) : undefined;
    const after = at && 'after' in at ? at.after : q.after !== undefined ? await this.position(roomId, q.after) : undefined;
    if (q.parent_id) {
      const parent = await this.d.store.messages.findById(q.parent_id);
      if (!parent || parent.room_id !== roomId) throw messageNotFound();
    }
    const rows = await this.d.store.messages.list(roomId, {
      limit: q.limit,
      beforeSeq: before,
      afterSeq: after,
      ...(q.parent_id ? { parentId: q.parent_id } : {}),
    });
    if (room.type === 'direct' && rows.length > 0) {
      const seq = Math.max(...rows.map((r) => r.seq));
      // Told to the sender as when a live connection receives them (services/realtime/deliveries.ts).
      if (await this.d.store.members.markDelivered(roomId, actor.id, seq)) {
        await this.d.bus.publish({
          kind: 'room',
          room_id: roomId,
          type: 'delivered_updated',
          data: { room_id: roomId, user_id: actor.id, delivered_seq: seq },
        });
      }
    }
    const items = await presentMessages(this.d.store, this.d.attachments, actor.id, room, rows);
    const last = rows.length === q.limit ? rows.at(-1)!.seq : undefined;
    return {
      items,
      next: last === undefined ? null : String(last),
      next_cursor: last === undefined ? null : encodeMessageCursor(after !== undefined ? 'after' : 'before', last),
    };
  }

  async get(actor: Actor, messageId: string): Promise<MessageView> {
    const { message, access } = await this.load(actor, messageId, 'read');
    return this.presentOne(actor, access.room, message, message.room_id);
  }

  private checkLength(content: string | undefined): void {
    checkMessage(this.lengthLimits, content);
  }

  /** Only the sender, within the edit window, and never a deleted message. */
  async edit(actor: Actor, messageId: string, content: string): Promise<MessageView> {
    this.checkLength(content);
    const now = this.d.clock.now();
    const { message, access } = await this.load(actor, messageId, 'send');
    refuseSystemMessage(message, 'edited');
    if (message.sender_id !== actor.id) throw new DomainError('forbidden', 'Only the sender may edit a message.');
    if (message.deleted_at) throw messageNotFound();
    const windowMs = (this.d.editWindowSeconds ?? ROOM_LIMITS.editWindowSeconds) * 1000;
    if (now.getTime() - Date.parse(message.created_at) > windowMs)
      throw new DomainError('edit_window_passed', 'Messages can only be edited for 15 minutes.');
    const { mentions: ids, room: wantsRoom } = await this.mentions(access, actor, content);
    const mentions = { mentions: ids, mentions_room: wantsRoom && mayMentionRoom(access.membership) };
    const files = await this.d.store.attachments.forMessages([messageId]);
    const updated = await inTransaction(this.d.store, this.d.bus, now, async (work) => {
      const sender = await work.tx.users.findById(actor.id);
      let row!: MessageRow;
      // The room's seq (its row lock) before the message row, as send takes them: the other order deadlocks with a reply.
      await work.record(message.room_id, async () => {
        const edited = await work.tx.messages.update(messageId, { content, edited_at: work.now, ...mentions });
        // Deleted meanwhile: roll back (the seq is returned with the transaction).
        if (!edited) throw messageNotFound();
        row = edited;
        return {
          type: 'message_updated',
          data: { message: toEventMessage(row, sender, this.viewsFor(files, row, { room: row.room_id })) },
        };
      });
      return row;
    });
    return this.presentOne(actor, access.room, updated, message.room_id);
  }

  /** The sender or a room admin/owner; the message stays as a "[deleted]" tombstone. */
  async delete(actor: Actor, messageId: string): Promise<void> {
    const now = this.d.clock.now();
    // A server admin moderates rooms they cannot read (global moderation, issue 19).
    const { message, access } = await this.load(actor, messageId, 'read').catch((err: unknown) => {
      if (actor.isAdmin && err instanceof DomainError && err.code === 'message_not_found')
        return this.load(actor, messageId, 'moderate_messages');
      throw err;
    });
    refuseSystemMessage(message, 'deleted');
    // Rights before the tombstone shortcut: deleting again is harmless only for those who may delete.
    const moderating = message.sender_id !== actor.id;
    if (moderating) await authorize(this.d.store, actor, access.room.id, 'moderate_messages', now);
    if (message.deleted_at) return;
    if (access.room.archived) throw new DomainError('room_archived', 'This room is archived: it is read-only.');
    const alreadyGone = new Error('already deleted');
    let removed: AttachmentRow[] = [];
    try {
      await inTransaction(this.d.store, this.d.bus, now, async (work) => {
        // The room's seq (its row lock) before the message row, as send takes them: the other order deadlocks with a reply.
        await work.record(message.room_id, async () => {
          // A racing delete won: roll back so the tombstone is recorded once.
          if (!(await work.tx.messages.update(messageId, { deleted_at: work.now }))) throw alreadyGone;
          return { type: 'message_deleted', data: { message_id: messageId, room_id: message.room_id, deleted_by: actor.id } };
        });
        await work.tx.pins.unpin(message.room_id, messageId);
        if (moderating)
          await writeAudit(work.tx, work.now, {
            actorId: actor.id,
            action: 'message_deleted',
            targetUserId: message.sender_id,
            targetMessageId: messageId,
            roomId: message.room_id,
          });
        // The tombstone keeps no attachment: rows now, bytes once this has committed.
        removed = await work.tx.attachments.deleteForMessage(messageId);
      });
    } catch (err) {
      if (err !== alreadyGone) throw err;
    }
    await this.d.attachments.removeBytes(removed);
  }

  /** The uploads a send names: each must be the sender's own and not yet posted (404 for anyone else's, as for an unknown id). */
  private async uploadsToPost(actor: Actor, ids: string[]): Promise<AttachmentRow[]> {
    if (ids.length === 0) return [];
    const rows = new Map((await this.d.store.attachments.findByIds(ids)).map((r) => [r.id, r]));
    return ids.map((id, i) => {
      const row = rows.get(id);
      if (!row || row.uploader_id !== actor.id) {
        throw new DomainError('attachment_not_found', `No such upload: ${id}. Attach files you uploaded yourself.`, {
          details: [{ field: `body.attachments.${i}`, message: 'is not one of your uploads' }],
        });
      }
      if (row.posted_at !== null) {
        throw new DomainError('validation_failed', 'An attachment can be posted with one message only: upload the file again.', {
          details: [{ field: `body.attachments.${i}`, message: 'is already posted' }],
        });
      }
      return row;
    });
  }

  /** Views of a message's uploads (given before they are linked: the link is made in the same transaction). */
  private viewsFor(files: AttachmentRow[], m: MessageRow, subject: { user: string } | { room: string }): AttachmentView[] {
    return files.map((f, position) =>
      this.d.attachments.view({ ...f, room_id: m.room_id, message_id: m.id, position, posted_at: m.created_at }, subject),
    );
  }

  /** Loads a message the actor may act on in its room; outsiders of private rooms get 404 for the message. */
  async load(
    actor: Actor,
    messageId: string,
    action: 'read' | 'send' | 'react' | 'pin' | 'moderate_messages',
  ): Promise<{ message: MessageRow; access: RoomAccess }> {
    const message = await this.d.store.messages.findById(messageId);
    if (!message) throw messageNotFound();
    try {
      return { message, access: await authorize(this.d.store, actor, message.room_id, action, this.d.clock.now()) };
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'room_not_found' || err.code === 'not_a_member')) throw messageNotFound();
      throw err;
    }
  }

  private async presentOne(actor: Actor, room: RoomRow, m: MessageRow, roomId: string): Promise<MessageView> {
    if (m.room_id !== roomId) throw new DomainError('client_id_reused', 'This client_id was already used for a message in another room.');
    const [view] = await presentMessages(this.d.store, this.d.attachments, actor.id, room, [m]);
    return view!;
  }

  /** Members mentioned by @username (not the sender), and whether @room is in the text (who may use it is the caller's). */
  /** `members`: the members of a room not stored yet (an opening), instead of the room's. */
  private async mentions(
    access: RoomAccess,
    actor: Actor,
    content: string,
    members?: string[],
  ): Promise<{ mentions: string[]; room: boolean }> {
    const parsed = parseMentions(content);
    const named = parsed.usernames.length > 0 ? await this.d.store.users.findByUsernames(parsed.usernames) : [];
    const candidates = named.map((u) => u.id).filter((id) => id !== actor.id);
    const ids = members
      ? candidates.filter((id) => members.includes(id))
      : await this.d.store.members.whichAreMembers(access.room.id, candidates);
    return { mentions: ids, room: parsed.room };
  }

  /** A direct room's pair: the caller calls this for direct rooms only (an await costs every other send a turn). */
  private async checkDirectBlock(access: RoomAccess, actor: Actor): Promise<void> {
    const peer = (await this.d.store.members.peers([access.room.id], actor.id)).get(access.room.id);
    if (!peer) return;
    // A deactivated account cannot be messaged (SPEC 1), even in a room you already share with it.
    if (!isActive(peer)) throw new DomainError('user_not_found', 'This account is deactivated: it cannot be messaged.');
    if (await this.d.store.blocks.between(actor.id, peer.id)) throw new DomainError('blocked', 'You cannot message this user.');
  }

  /** Threads are one level deep: a reply to a reply joins the first message's thread. */
  private async threadRoot(roomId: string, parentId: string): Promise<string> {
    const parent = await this.d.store.messages.findById(parentId);
    if (!parent || parent.room_id !== roomId) throw new DomainError('message_not_found', 'The message you reply to is not in this room.');
    refuseSystemMessage(parent, 'replied to');
    return parent.parent_id ?? parent.id;
  }

  /** A page position given as a seq or a message id of this room. */
  private async position(roomId: string, ref: string): Promise<number> {
    if (/^\d{1,15}$/.test(ref)) return Number(ref);
    const m = /^[0-9a-f-]{36}$/i.test(ref) ? await this.d.store.messages.findById(ref) : undefined;
    if (!m || m.room_id !== roomId) {
      throw new DomainError('validation_failed', 'before/after must be a seq or the id of a message in this room.', {
        details: [{ field: 'querystring.before', message: 'is not a message of this room' }],
      });
    }
    return m.seq;
  }
}

/** A message's type follows its attachments: image, audio or video when they all are, file otherwise; text without any. */
export function messageTypeOf(files: AttachmentRow[]): MessageType {
  if (files.length === 0) return 'text';
  const kinds = new Set(files.map((f) => f.kind));
  const [only] = kinds;
  return kinds.size === 1 && (only === 'image' || only === 'audio' || only === 'video') ? only : 'file';
}
