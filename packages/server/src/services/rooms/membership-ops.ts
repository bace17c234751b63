import { DomainError } from '../../domain/errors.ts';
import type { Work } from '../../events/unit-of-work.ts';
import type { RoomRole, RoomRow } from '../../store/room-types.ts';
import { recordSystemMessage } from '../messages/system-messages.ts';
import { toSummary } from '../users/user-presenter.ts';
import { checkMembershipCaps, type RoomCaps } from './caps.ts';

/**
 * Adds a user to a room inside a unit of work: refuses banned users, full rooms and users at
 * their caps (rooms joined; rooms owned for an owner), starts the new member's read point at the
 * room's current seq, and records user_joined. Shared by creating, joining, invite acceptance, an
 * admin adding someone and direct rooms. Returns false if they were already a member.
 * Writes a system message ("alice joined", "alice was added") unless ctx.quiet (a room's first
 * members, at its creation) or the room is direct.
 */
/** `by`: who the user_joined event names as having added them; ctx.actorId: who asked (the caps speak to them). */
export async function addMember(
  work: Work,
  room: RoomRow,
  userId: string,
  role: RoomRole,
  by: string | null,
  ctx: { caps: RoomCaps; actorId: string; quiet?: boolean },
): Promise<boolean> {
  const { tx } = work;
  if (await tx.members.get(room.id, userId)) return false;
  if (await tx.bans.isBanned(room.id, userId)) throw new DomainError('banned', 'You are banned from this room.');
  // Before the seat: the user's row lock comes before the room's, on every path that takes both.
  await checkMembershipCaps(tx, ctx.caps, userId, { owner: role === 'owner', self: ctx.actorId === userId });
  if (!(await tx.rooms.takeSeat(room.id))) throw new DomainError('room_full', 'This room is full.');
  const fresh = await tx.rooms.findById(room.id);
  await tx.members.add({ room_id: room.id, user_id: userId, role, joined_at: work.now, last_read_seq: fresh?.last_seq ?? room.last_seq });
  const user = await tx.users.findById(userId);
  await work.record(room.id, () => ({
    type: 'user_joined',
    data: { room_id: room.id, user: user ? toSummary(user) : null, role, added_by: by },
  }));
  if (!ctx.quiet && room.type !== 'direct') {
    await recordSystemMessage(work, room.id, userId, ctx.actorId === userId ? 'joined' : 'was added');
  }
  return true;
}

/** Removes a member and records user_left (the removed user still hears about it) and a system message. */
export async function removeMember(
  work: Work,
  roomId: string,
  userId: string,
  reason: 'left' | 'removed' | 'banned',
  by: string | null,
): Promise<void> {
  const { tx } = work;
  if (!(await tx.members.remove(roomId, userId))) return;
  await tx.rooms.releaseSeat(roomId);
  await work.record(roomId, () => ({ type: 'user_left', data: { room_id: roomId, user_id: userId, reason, by } }), { alsoTo: [userId] });
  const room = await tx.rooms.findById(roomId);
  if (room?.type === 'direct') return;
  await recordSystemMessage(work, roomId, userId, reason === 'left' ? 'left' : reason === 'removed' ? 'was removed' : 'was banned');
}

/** Deletes a room and everything in it; members are told through room_deleted. */
export async function deleteRoom(work: Work, room: RoomRow, memberIds: string[]): Promise<void> {
  await work.tx.rooms.delete(room.id);
  work.emit({ kind: 'room', room_id: room.id, type: 'room_deleted', data: { room_id: room.id }, also_to: memberIds });
}
