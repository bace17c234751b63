import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { Work } from '../../events/unit-of-work.ts';
import type { MessageRow, RoomRow } from '../../store/room-types.ts';
import { toEventMessage } from './message-presenter.ts';

/**
 * A system message ("alice joined", "bob renamed the room …") in the room's log, written in the
 * transaction of the change it describes and delivered as message_created after the commit.
 * Its sender is the person it is about (who joined, left, was removed, became the owner; who
 * renamed the room) and its content the rest of the sentence, in English, naming nobody:
 * clients show "<sender's name> <content>", so the name is always the current one and a
 * deactivated account stays "Deactivated user" here as everywhere. Who did it and the structured
 * change are in the room event recorded beside it (user_joined, user_left, room_updated,
 * member_updated).
 *
 * It takes a plain seq, not a message seq: the room's last_message_at does not move, nobody is
 * notified, and unread counts skip system messages (messages.countUnread).
 */
export async function recordSystemMessage(work: Work, roomId: string, senderId: string, content: string): Promise<void> {
  const sender = await work.tx.users.findById(senderId);
  let row!: MessageRow;
  await work.record(roomId, (seq) => {
    row = {
      id: newId(),
      room_id: roomId,
      seq,
      sender_id: senderId,
      type: 'system',
      content,
      parent_id: null,
      client_id: null,
      mentions: [],
      mentions_room: false,
      reply_count: 0,
      created_at: work.now,
      edited_at: null,
      deleted_at: null,
    };
    return { type: 'message_created', data: { message: toEventMessage(row, sender) } };
  });
  await work.tx.messages.insert(row);
}

/** People do not edit, delete, react to, pin or reply to what the server wrote. */
export function refuseSystemMessage(message: Pick<MessageRow, 'type'>, what: string): void {
  if (message.type === 'system') throw new DomainError('not_allowed_here', `System messages cannot be ${what}.`);
}

/** What a room update changed that its members should read in the log, each the content of a system message from who changed it. */
export function roomChangeSentences(
  before: Pick<RoomRow, 'name' | 'description' | 'topic_kind'>,
  after: Pick<RoomRow, 'name' | 'description' | 'topic_kind'>,
): string[] {
  const out: string[] = [];
  if (after.name !== before.name) out.push(`renamed the room to “${after.name}”`);
  if (after.description !== before.description) out.push(after.description ? 'changed the description' : 'removed the description');
  if (after.topic_kind !== before.topic_kind) out.push(`changed the room's topic to ${after.topic_kind}`);
  return out;
}
