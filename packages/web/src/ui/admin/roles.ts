import type { RoomMember } from '../../state/types.ts';

export type Role = RoomMember['role'];

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** Owner > admin > member: moderating someone needs a strictly higher role (the server checks the same). */
export const outranks = (a: Role | undefined, b: Role): boolean => a !== undefined && RANK[a] > RANK[b];

export const isAdminRole = (r: Role | undefined): boolean => r === 'owner' || r === 'admin';

export const ROLE_LABEL: Record<Role, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/** A mute with a time in the past has ended, even before the server says so. */
export const isMutedNow = (m: Pick<RoomMember, 'muted' | 'muted_until'>, now = Date.now()): boolean =>
  m.muted && (m.muted_until === null || Date.parse(m.muted_until) > now);
