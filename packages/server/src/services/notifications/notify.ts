import { newId } from '../../domain/ids.ts';
import type { Work } from '../../events/unit-of-work.ts';
import type { MessageRow, NotificationRow, NotificationType, RoomRow } from '../../store/room-types.ts';
import type { UserRow } from '../../store/types.ts';
import { toSummary } from '../users/user-presenter.ts';

const EXCERPT = 140;

/** Stores one notification in the unit of work and queues its live delivery for after the commit. */
export async function notify(
  work: Work,
  n: Omit<NotificationRow, 'id' | 'created_at' | 'read_at'>,
  actor: UserRow | undefined,
): Promise<void> {
  const row: NotificationRow = { ...n, id: newId(), created_at: work.now, read_at: null };
  await work.tx.notifications.insert(row);
  work.emit({ kind: 'user', user_id: n.user_id, type: 'notification', data: toNotificationView(row, actor) });
}

export function toNotificationView(n: NotificationRow, actor: UserRow | undefined) {
  return {
    id: n.id,
    type: n.type,
    room_id: n.room_id,
    message_id: n.message_id,
    actor: actor ? toSummary(actor) : null,
    payload: n.payload,
    created_at: n.created_at,
    read_at: n.read_at,
  };
}

/**
 * Who a new message notifies, and how: mentioned members (everyone for an admin's @room), the
 * author of the message replied to, the other person of a direct room (at level "all"). One
 * notification per person (mention wins over reply); muted rooms notify nobody; the sender never,
 * nor anyone who blocks the sender.
 */
export async function notifyForMessage(work: Work, room: RoomRow, message: MessageRow, sender: UserRow | undefined): Promise<void> {
  const types = new Map<string, NotificationType>();
  const add = (userId: string, type: NotificationType) => {
    if (userId !== message.sender_id && !types.has(userId)) types.set(userId, type);
  };
  for (const id of message.mentions) add(id, 'mention');
  if (message.mentions_room) for (const id of await work.tx.members.notifiable(room.id)) add(id, 'mention');
  if (message.parent_id) {
    const parent = await work.tx.messages.findById(message.parent_id);
    if (parent) add(parent.sender_id, 'reply');
  }
  // Every direct message notifies the other person, unless they chose "mentions only" (or muted).
  if (room.type === 'direct') {
    for (const id of await work.tx.members.notifiable(room.id)) {
      if ((await work.tx.members.get(room.id, id))?.notification_level === 'all') add(id, 'direct_message');
    }
  }
  if (types.size === 0) return;

  const listening = new Set(await work.tx.members.notifiable(room.id, [...types.keys()]));
  const blocking = new Set(await work.tx.blocks.blockersOf(message.sender_id, [...types.keys()]));
  const payload = { room_name: room.type === 'direct' ? null : room.name, excerpt: message.content.slice(0, EXCERPT), seq: message.seq };
  for (const [userId, type] of types) {
    if (!listening.has(userId) || blocking.has(userId)) continue;
    await notify(work, { user_id: userId, type, room_id: room.id, message_id: message.id, actor_id: message.sender_id, payload }, sender);
  }
}
