import type { ErrorCode } from '@rooms/protocol';
import type { MembershipRow, RoomRole, RoomRow, RoomType } from '../store/room-types.ts';

export type RoomAction =
  | 'preview'
  | 'read'
  | 'send'
  | 'react'
  | 'join'
  | 'leave'
  | 'update'
  | 'delete'
  | 'invite'
  | 'list_invites'
  | 'remove_member'
  | 'mute'
  | 'ban'
  | 'change_role'
  | 'transfer'
  | 'pin'
  | 'moderate_messages'
  | 'set_flags'
  | 'hide';

export interface ActionRule {
  /** Lowest room role allowed; 'none' means non-members too (public rooms only). */
  minRole: 'none' | RoomRole;
  /** Room types where the action exists at all. */
  types: readonly RoomType[];
  /** Refused in archived (read-only) rooms. */
  writes: boolean;
  /** Refused to a muted member. */
  speaks: boolean;
  /** Server admins only (whatever their room role). */
  serverAdmin?: boolean;
  /**
   * Moderation a server admin may also do in any group room, member or not (SPEC §1 "global
   * moderation", issue 19). Reading stays members-only: a server admin acts on a private room's
   * messages and members without seeing its log, and is audited for every action.
   */
  moderation?: boolean;
}

const ALL: readonly RoomType[] = ['public', 'private', 'direct'];
const GROUPS: readonly RoomType[] = ['public', 'private'];

/**
 * Who may do what in a room: one table, read by the services and by the authorization matrix test.
 * Outsiders of private and direct rooms are told the room does not exist (404), never 403.
 */
export const ROOM_POLICY: Record<RoomAction, ActionRule> = {
  preview: { minRole: 'none', types: ALL, writes: false, speaks: false },
  read: { minRole: 'member', types: ALL, writes: false, speaks: false },
  send: { minRole: 'member', types: ALL, writes: true, speaks: true },
  react: { minRole: 'member', types: ALL, writes: true, speaks: true },
  join: { minRole: 'none', types: ['public'], writes: true, speaks: false },
  leave: { minRole: 'member', types: GROUPS, writes: false, speaks: false },
  update: { minRole: 'admin', types: GROUPS, writes: true, speaks: false },
  delete: { minRole: 'owner', types: GROUPS, writes: false, speaks: false },
  invite: { minRole: 'admin', types: GROUPS, writes: true, speaks: false },
  // Reading the codes writes nothing: an archived room's admins still see (and may revoke) them.
  list_invites: { minRole: 'admin', types: GROUPS, writes: false, speaks: false },
  remove_member: { minRole: 'admin', types: GROUPS, writes: false, speaks: false, moderation: true },
  mute: { minRole: 'admin', types: GROUPS, writes: false, speaks: false, moderation: true },
  ban: { minRole: 'admin', types: GROUPS, writes: false, speaks: false, moderation: true },
  change_role: { minRole: 'owner', types: GROUPS, writes: false, speaks: false },
  transfer: { minRole: 'owner', types: GROUPS, writes: false, speaks: false },
  pin: { minRole: 'admin', types: GROUPS, writes: true, speaks: false },
  moderate_messages: { minRole: 'admin', types: GROUPS, writes: true, speaks: false, moderation: true },
  set_flags: { minRole: 'none', types: GROUPS, writes: false, speaks: false, serverAdmin: true },
  // Hiding a conversation from one's own list: direct rooms only (a group room is left instead).
  hide: { minRole: 'member', types: ['direct'], writes: false, speaks: false },
};

const RANK: Record<RoomRole, number> = { member: 1, admin: 2, owner: 3 };

/** Does role a outrank role b (owner > admin > member)? Moderation needs a strictly higher role. */
export const outranks = (a: RoomRole, b: RoomRole): boolean => RANK[a] > RANK[b];

export interface RoomSubject {
  room: RoomRow;
  membership: MembershipRow | undefined;
  isServerAdmin: boolean;
  now: Date;
}

export type Decision = { ok: true } | { ok: false; code: ErrorCode; message: string };

const isMuted = (m: MembershipRow, now: Date): boolean => m.muted && (m.muted_until === null || Date.parse(m.muted_until) > now.getTime());

/** The decision for one action, without I/O. Join's extra rules (bans, member limit) are the service's. */
export function decide(action: RoomAction, s: RoomSubject): Decision {
  const rule = ROOM_POLICY[action];
  const { room, membership } = s;
  const member = membership !== undefined;
  // Direct rooms have no moderation: they stay invisible to server admins too.
  const globalModerator = rule.moderation === true && s.isServerAdmin && rule.types.includes(room.type);
  // Existence first: a private or direct room is invisible to anyone outside it (server admins aside, for their powers).
  if (!member && room.type !== 'public' && !(rule.serverAdmin && s.isServerAdmin) && !globalModerator)
    return { ok: false, code: 'room_not_found', message: 'No such room.' };
  if (!rule.types.includes(room.type))
    return { ok: false, code: 'not_allowed_here', message: `You cannot do that in a ${room.type} room.` };
  if (rule.serverAdmin)
    return s.isServerAdmin ? { ok: true } : { ok: false, code: 'forbidden', message: 'Only server admins may do that.' };
  if (globalModerator)
    return rule.writes && room.archived
      ? { ok: false, code: 'room_archived', message: 'This room is archived: it is read-only.' }
      : { ok: true };
  if (rule.minRole !== 'none' && !membership) return { ok: false, code: 'not_a_member', message: 'Join the room first.' };
  if (rule.writes && room.archived) return { ok: false, code: 'room_archived', message: 'This room is archived: it is read-only.' };
  // Joining twice is harmless: the service answers with the room.
  if (action === 'join') return { ok: true };
  if (membership && rule.minRole !== 'none' && RANK[membership.role] < RANK[rule.minRole]) {
    return { ok: false, code: 'forbidden', message: `Only the room's ${rule.minRole === 'owner' ? 'owner' : 'admins'} may do that.` };
  }
  if (rule.speaks && membership && isMuted(membership, s.now)) return { ok: false, code: 'muted', message: 'You are muted in this room.' };
  return { ok: true };
}
