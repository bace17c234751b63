import type { AttachmentView, MessageView } from '@rooms/protocol';
import type { AttachmentRow } from '../../store/attachment-types.ts';
import type { MessageRow, RoomRow } from '../../store/room-types.ts';
import type { Store } from '../../store/store.ts';
import type { UserRow } from '../../store/types.ts';
import type { UrlSubject } from '../attachments/signed-urls.ts';
import { hiddenSummary, toSummary } from '../users/user-presenter.ts';

/** Views of attachment rows with URLs signed for a subject (AttachmentsService.view). */
export interface AttachmentViewer {
  view(row: AttachmentRow, subject: UrlSubject): AttachmentView;
}

const DELETED_CONTENT = '[deleted]';

/**
 * The stored message as every reader sees it (no per-reader fields): what events carry. Events are
 * encoded once for every subscriber, so their attachment URLs are signed for the room's members,
 * not for one reader (see AttachmentsService.downloadSigned).
 */
export function toEventMessage(
  m: MessageRow,
  sender: UserRow | undefined,
  attachments: AttachmentView[] = [],
): Omit<MessageView, 'reactions' | 'read_by_count' | 'receipt' | 'pinned'> {
  const deleted = m.deleted_at !== null;
  return {
    id: m.id,
    room_id: m.room_id,
    seq: m.seq,
    sender: sender ? toSummary(sender) : hiddenSummary(m.sender_id),
    type: m.type,
    content: deleted ? DELETED_CONTENT : m.content,
    parent_id: m.parent_id,
    client_id: m.client_id,
    mentions: deleted ? [] : m.mentions,
    mentions_room: deleted ? false : m.mentions_room,
    reply_count: m.reply_count,
    attachments: deleted ? [] : attachments,
    created_at: m.created_at,
    edited_at: m.edited_at,
    deleted_at: m.deleted_at,
  };
}

/**
 * A message its sender has just stored, as the sender sees it. Nobody can have reacted to, pinned
 * or read a message that did not exist a moment ago, so this needs no query. Not for direct rooms:
 * there the sender's view carries a receipt that depends on the peer.
 */
export function presentNewMessage(m: MessageRow, sender: UserRow | undefined, attachments: AttachmentView[]): MessageView {
  return { ...toEventMessage(m, sender, attachments), reactions: [], read_by_count: 0, receipt: null, pinned: false };
}

/**
 * Messages as one reader sees them: reactions grouped with "me", how many have read each, pins,
 * and — on my own messages in a direct room — sent / delivered / read. Batched: a page costs a
 * fixed number of queries whatever its size.
 */
export async function presentMessages(
  store: Store,
  viewer: AttachmentViewer,
  viewerId: string,
  room: RoomRow,
  messages: MessageRow[],
): Promise<MessageView[]> {
  if (messages.length === 0) return [];
  const ids = messages.map((m) => m.id);
  const [senders, reactions, readCounts, pinned, peer, attachments] = await Promise.all([
    store.users.findByIds(messages.map((m) => m.sender_id)),
    store.reactions.groups(ids, viewerId),
    store.members.readCounts(room.id, messages),
    store.pins.pinnedAmong(room.id, ids),
    room.type === 'direct' ? peerMembership(store, room.id, viewerId) : undefined,
    store.attachments.forMessages(ids),
  ]);
  // Per reader: the URLs of a page a member reads are signed for them.
  const filesOf = groupAttachments(attachments, (a) => viewer.view(a, { user: viewerId }));
  const senderById = new Map(senders.map((u) => [u.id, u]));
  return messages.map((m) => {
    const mine = m.sender_id === viewerId;
    let receipt: MessageView['receipt'] = null;
    if (peer && mine) receipt = peer.last_read_seq >= m.seq ? 'read' : peer.delivered_seq >= m.seq ? 'delivered' : 'sent';
    return {
      ...toEventMessage(m, senderById.get(m.sender_id), filesOf.get(m.id)),
      reactions: reactions.filter((r) => r.message_id === m.id).map((r) => ({ emoji: r.emoji, count: r.count, me: r.me })),
      read_by_count: readCounts.get(m.seq) ?? 0,
      receipt,
      pinned: pinned.has(m.id),
    };
  });
}

async function peerMembership(store: Store, roomId: string, viewerId: string) {
  const peer = (await store.members.peers([roomId], viewerId)).get(roomId);
  return peer && store.members.get(roomId, peer.id);
}

/** Attachment views by message id, each message's in order. */
export function groupAttachments(rows: AttachmentRow[], view: (a: AttachmentRow) => AttachmentView): Map<string, AttachmentView[]> {
  const out = new Map<string, AttachmentView[]>();
  for (const a of rows) {
    if (!a.message_id) continue;
    let list = out.get(a.message_id);
    if (!list) out.set(a.message_id, (list = []));
    list.push(view(a));
  }
  return out;
}
