import { newId } from '../../domain/ids.ts';
import type { MembershipRow, MessageRow, NewMessage, NewRoom, RoomRole, RoomRow } from '../room-types.ts';
import type { Store } from '../store.ts';

let n = 0;
/** A time n seconds after 2026-02-01, for rows that must sort in a known order. */
export const at = (seconds: number): string => new Date(Date.UTC(2026, 1, 1) + seconds * 1000).toISOString();

/** A valid new public room; override what a case cares about. */
export function aRoom(over: Partial<NewRoom> = {}): NewRoom {
  n++;
  return {
    id: newId(),
    type: 'public',
    name: `Room ${n} ${Math.random().toString(36).slice(2, 8)}`,
    description: null,
    topic_kind: 'text',
    categories: [],
    member_limit: null,
    direct_key: null,
    created_by: null,
    created_at: at(n),
    ...over,
  };
}

export const insertRoom = (store: Store, over: Partial<NewRoom> = {}): Promise<RoomRow> => store.rooms.insert(aRoom(over));

/** Adds a member the way the services do: a seat, then the membership row. */
export async function join(
  store: Store,
  roomId: string,
  userId: string,
  role: RoomRole = 'member',
  joinedAt = at(0),
): Promise<MembershipRow> {
  await store.transaction(async (tx) => {
    if (!(await tx.rooms.takeSeat(roomId))) throw new Error('room full');
    await tx.members.add({ room_id: roomId, user_id: userId, role, joined_at: joinedAt });
  });
  return (await store.members.get(roomId, userId))!;
}

/** Stores a message under the room's next seq, in one transaction, as the message service does. */
export async function post(store: Store, roomId: string, senderId: string, over: Partial<NewMessage> = {}): Promise<MessageRow> {
  return store.transaction(async (tx) => {
    const createdAt = over.created_at ?? at(1000);
    const seq = (await tx.rooms.nextMessageSeq(roomId, createdAt))?.seq;
    if (seq === undefined) throw new Error(`post: room ${roomId} is archived or gone`);
    return tx.messages.insert({
      id: newId(),
      room_id: roomId,
      seq,
      sender_id: senderId,
      type: 'text',
      content: `message ${seq}`,
      parent_id: null,
      client_id: null,
      mentions: [],
      mentions_room: false,
      created_at: createdAt,
      ...over,
    });
  });
}
