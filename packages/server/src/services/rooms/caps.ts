import { DomainError } from '../../domain/errors.ts';
import type { Store } from '../../store/store.ts';

/** Per-user and per-room bounds on what one account may accumulate (MAX_OWNED_ROOMS, MAX_JOINED_ROOMS, MAX_ROOM_INVITES). */
export interface RoomCaps {
  /** Rooms one user may own (direct rooms have no owner, so they never count). */
  maxOwnedRooms: number;
  /** Rooms one user may be a member of, direct rooms included. */
  maxJoinedRooms: number;
  /** Invites of one room that may be usable at once. */
  maxRoomInvites: number;
}

const limitReached = (message: string, limit: number, resource: 'owned_rooms' | 'joined_rooms' | 'room_invites') =>
  new DomainError('limit_reached', message, { details: { limit, resource } });

/**
 * Refuses one more membership for userId (and one more owned room when they are to own it) past
 * the caps. Runs inside the write transaction, after taking the user's row lock: parallel
 * requests for one user then count one after the other, so a burst cannot overshoot.
 * `self` says whether the user asked for it (the message speaks to them) or someone else did.
 */
export async function checkMembershipCaps(
  tx: Store,
  caps: RoomCaps,
  userId: string,
  opts: { owner: boolean; self: boolean },
): Promise<void> {
  await tx.users.lock(userId);
  const { joined, owned } = await tx.members.countsOf(userId);
  if (joined >= caps.maxJoinedRooms) {
    const message = opts.self
      ? `You are in ${caps.maxJoinedRooms} rooms, the most allowed: leave one first.`
      : `That user is in ${caps.maxJoinedRooms} rooms, the most allowed.`;
    throw limitReached(message, caps.maxJoinedRooms, 'joined_rooms');
  }
  if (opts.owner) assertOwnedBelowCap(caps, owned, opts.self);
}

/** Refuses handing userId one more room to own past MAX_OWNED_ROOMS (ownership transfer). Takes the user's row lock. */
export async function checkOwnedRoomsCap(tx: Store, caps: RoomCaps, userId: string): Promise<void> {
  await tx.users.lock(userId);
  assertOwnedBelowCap(caps, (await tx.members.countsOf(userId)).owned, false);
}

function assertOwnedBelowCap(caps: RoomCaps, owned: number, self: boolean): void {
  if (owned < caps.maxOwnedRooms) return;
  const message = self
    ? `You own ${caps.maxOwnedRooms} rooms, the most allowed: delete one or hand one over first.`
    : `That member owns ${caps.maxOwnedRooms} rooms, the most allowed.`;
  throw limitReached(message, caps.maxOwnedRooms, 'owned_rooms');
}

/** Refuses one more usable invite of the room past MAX_ROOM_INVITES. Takes the room's row lock (inside the transaction). */
export async function checkInvitesCap(tx: Store, caps: RoomCaps, roomId: string, now: string): Promise<void> {
  await tx.rooms.lock(roomId);
  if ((await tx.invites.countUsable(roomId, now)) >= caps.maxRoomInvites) {
    throw limitReached(
      `This room has ${caps.maxRoomInvites} usable invites, the most allowed: revoke one first.`,
      caps.maxRoomInvites,
      'room_invites',
    );
  }
}
