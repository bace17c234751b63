import type { RoomView } from '@rooms/protocol';
import type { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { BubbleConnection } from './connection.ts';
import { rememberRoomName } from './connection.ts';
import { bubbleError } from './errors.ts';
import { bubbleMessageOf } from './outgoing.ts';
import { toBubbleRoom, type BubbleMessage, type BubbleRoom, type Room } from './present.ts';
import type { BubbleSockets } from './sockets.ts';
import { UUID } from './sockets.ts';

/** How many messages a room carries in bubble's payloads (newest first), as the original. */
const MESSAGES = 100;

export type Payload = Record<string, unknown>;

/** A room looked up for a request, and whether the requester is in it. */
export interface Found {
  room: Room;
  member: boolean;
}

/**
 * bubble's room lookup, errors in its order: no_room_id, invalid_room_id (not a UUID: Rooms ids
 * are UUIDv7, bubble's were v4), room_id_not_found (including rooms the user may not see).
 */
export async function findRoom(services: Services, conn: BubbleConnection, data: Payload): Promise<Found> {
  const roomId = roomIdOf(data);
  try {
    const room = await services.rooms.get(conn.actor, roomId);
    rememberRoomName(room.id, room.name);
    return { room, member: 'membership' in room && (room as z.infer<typeof RoomView>).membership !== null };
  } catch (err) {
    if (isDomainError(err) && (err.code === 'room_not_found' || err.code === 'not_found')) throw bubbleError('room_id_not_found', roomId);
    throw err;
  }
}

/** The request's room id, checked as bubble did (no_room_id, invalid_room_id), in Rooms' lower case. */
export function roomIdOf(data: Payload): string {
  const roomId = data.roomId;
  if (!roomId) throw bubbleError('no_room_id');
  if (typeof roomId !== 'string' || !UUID.test(roomId)) throw bubbleError('invalid_room_id');
  return roomId.toLowerCase();
}

export function requireMember(conn: BubbleConnection, f: Found): void {
  if (!f.member) throw bubbleError('user_not_in_room', conn.id, conn.userId, f.room.id);
}

/** Presents rooms with the names this node knows for their creators. */
export function presentRoom(room: Room, sockets: BubbleSockets<BubbleConnection>): BubbleRoom {
  return toBubbleRoom(room, room.created_by ? sockets.nameOf(room.created_by) : null);
}

/** The room's latest messages, newest first (members only: Rooms' read rule), system messages left out. */
export async function messagesOf(
  services: Services,
  conn: BubbleConnection,
  f: Found,
  sockets: BubbleSockets<BubbleConnection>,
): Promise<BubbleMessage[]> {
  if (!f.member) return [];
  const page = await services.messages.list(conn.actor, f.room.id, { limit: MESSAGES });
  return page.items.filter((m) => m.type !== 'system').map((m) => bubbleMessageOf(m, sockets));
}

/** Who is in the room: their sockets here, by socket id, and the others by user id (members only). */
export async function participantsOf(
  services: Services,
  conn: BubbleConnection,
  f: Found,
  sockets: BubbleSockets<BubbleConnection>,
): Promise<string[]> {
  if (!f.member) return [];
  const ids: string[] = [];
  let cursor: string | undefined;
  // A bubble room holds at most 100 people; a big Rooms room is named by its first 1,000.
  for (let page = 0; page < 10; page++) {
    const members = await services.members.list(conn.actor, f.room.id, 100, cursor);
    ids.push(...members.items.map((m) => m.user.id));
    if (!members.next_cursor) break;
    cursor = members.next_cursor;
  }
  return sockets.namesOf(ids);
}

/** The full room as join_room and view_room carry it. */
export async function fullRoom(services: Services, conn: BubbleConnection, f: Found, sockets: BubbleSockets<BubbleConnection>) {
  const [messages, participants] = await Promise.all([messagesOf(services, conn, f, sockets), participantsOf(services, conn, f, sockets)]);
  return { ...presentRoom(f.room, sockets), messages, participants };
}
