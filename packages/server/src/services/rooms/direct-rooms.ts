import { newId } from '../../domain/ids.ts';
import type { Work } from '../../events/unit-of-work.ts';
import type { NewRoom, RoomRow } from '../../store/room-types.ts';
import type { RoomCaps } from './caps.ts';
import { addMember } from './membership-ops.ts';

/** The pair's key: one direct room per pair of users, whoever opens it. */
export const directKey = (a: string, b: string): string => [a, b].sort().join(':');

/** A new direct room between actorId and peerId, as it will be stored. */
export function newDirectRoom(actorId: string, peerId: string, now: string): NewRoom {
  return {
    id: newId(),
    type: 'direct',
    name: 'direct',
    description: null,
    topic_kind: 'text',
    categories: [],
    member_limit: 2,
    direct_key: directKey(actorId, peerId),
    created_by: actorId,
    created_at: now,
  };
}

/**
 * Stores a new direct room and its two members in the unit of work (user_joined for each). A
 * second opener of the same pair fails on the unique direct_key and rolls back: the caller answers
 * with the winner's room.
 */
export async function insertDirectRoom(work: Work, room: NewRoom, actorId: string, peerId: string, caps: RoomCaps): Promise<RoomRow> {
  const stored = await work.tx.rooms.insert(room);
  // Both users' row locks in one order, so two people opening their room at once cannot deadlock.
  for (const id of [actorId, peerId].sort()) await work.tx.users.lock(id);
  await addMember(work, stored, actorId, 'member', actorId, { caps, actorId });
  await addMember(work, stored, peerId, 'member', actorId, { caps, actorId });
  return stored;
}
