import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { decide, type RoomAction } from '../../policies/room.policy.ts';
import type { MembershipRow, RoomRow } from '../../store/room-types.ts';
import type { Store } from '../../store/store.ts';

export interface RoomAccess {
  room: RoomRow;
  membership: MembershipRow | undefined;
}

/** Loads a room and the actor's membership, and throws unless the policy allows the action. */
export async function authorize(store: Store, actor: Actor, roomId: string, action: RoomAction, now: Date): Promise<RoomAccess> {
  const room = await store.rooms.findById(roomId);
  if (!room) throw new DomainError('room_not_found', 'No such room.');
  const membership = await store.members.get(roomId, actor.id);
  const d = decide(action, { room, membership, isServerAdmin: actor.isAdmin, now });
  if (!d.ok) throw new DomainError(d.code, d.message);
  return { room, membership };
}

/** The same check on an already-loaded room (inside a transaction, after re-reading). */
export function assertAllowed(action: RoomAction, access: RoomAccess, actor: Actor, now: Date): void {
  const d = decide(action, { ...access, isServerAdmin: actor.isAdmin, now });
  if (!d.ok) throw new DomainError(d.code, d.message);
}
