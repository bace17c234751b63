import { everyItem, isRoomsApiError } from '@rooms/client';
import { client } from '../lib/sdk.ts';
import { putRoom } from './actions.ts';
import { store } from './store.ts';
import type { Message, Room, RoomMember, State } from './types.ts';

/**
 * Room administration: settings, flags, invites, members, bans and pins. Kept apart from
 * actions.ts so the admin screens can grow without touching the core. Live events (room_updated,
 * member_updated, user_joined, user_left, room_deleted) update the store too; the answers are
 * applied here at once so the screen does not wait for the echo.
 */

const set = (fn: (s: State) => State) => store.update(fn);

export type RoomPatch = Parameters<typeof client.rooms.update>[1];
export type Invite = Awaited<ReturnType<typeof client.invites.create>>;
export type Ban = Awaited<ReturnType<typeof client.members.bans>>['items'][number];
export type Pin = Awaited<ReturnType<typeof client.messages.pins>>['items'][number];
export type RoomPreview = Awaited<ReturnType<typeof client.rooms.discover>>['items'][number];

// ── Rooms ───────────────────────────────────────────────────────────────────────────────────────

export async function updateRoom(roomId: string, patch: RoomPatch): Promise<Room> {
  const room = await client.rooms.update(roomId, patch);
  putRoom(room);
  return room;
}

/** Server admins: featured (promoted in discovery) and archived (read-only). */
export async function setRoomFlags(roomId: string, flags: { featured?: boolean; archived?: boolean }): Promise<void> {
  const preview = await client.rooms.setFlags(roomId, flags);
  set((s) => {
    const r = s.rooms[roomId];
    return r ? { ...s, rooms: { ...s.rooms, [roomId]: { ...r, featured: preview.featured, archived: preview.archived } } } : s;
  });
}

export async function deleteRoom(roomId: string): Promise<void> {
  await client.rooms.remove(roomId);
  set((s) => {
    const { [roomId]: _r, ...rooms } = s.rooms;
    const { [roomId]: _t, ...timelines } = s.timelines;
    return { ...s, rooms, timelines };
  });
}

// ── Invites ─────────────────────────────────────────────────────────────────────────────────────

export const inviteLink = (code: string) => `${location.origin}/invite/${encodeURIComponent(code)}`;

export async function listInvites(roomId: string): Promise<Invite[]> {
  return everyItem((cursor) => client.invites.list(roomId, { limit: 100, cursor }));
}

export function createInvite(roomId: string, opts: { expires_in: number; max_uses: number | null }): Promise<Invite> {
  return client.invites.create(roomId, opts);
}

export async function revokeInvite(code: string): Promise<void> {
  await client.invites.revoke(code);
}

// ── Members ─────────────────────────────────────────────────────────────────────────────────────

/** Replaces one member of a loaded list with the server's answer (role or mute changed). */
function putMember(roomId: string, member: RoomMember): void {
  set((s) => {
    const list = s.members[roomId];
    let next: State = list
      ? { ...s, members: { ...s.members, [roomId]: list.map((m) => (m.user.id === member.user.id ? member : m)) } }
      : s;
    if (member.user.id === s.me?.id) {
      const r = next.rooms[roomId];
      if (r?.membership)
        next = {
          ...next,
          rooms: {
            ...next.rooms,
            [roomId]: { ...r, membership: { ...r.membership, role: member.role, muted: member.muted, muted_until: member.muted_until } },
          },
        };
    }
    return next;
  });
}

function dropMember(roomId: string, userId: string): void {
  set((s) => {
    const list = s.members[roomId];
    if (!list?.some((m) => m.user.id === userId)) return s;
    const r = s.rooms[roomId];
    return {
      ...s,
      members: { ...s.members, [roomId]: list.filter((m) => m.user.id !== userId) },
      rooms: r ? { ...s.rooms, [roomId]: { ...r, member_count: Math.max(0, r.member_count - 1) } } : s.rooms,
    };
  });
}

/** Adds a user; when they were a member already, says so (created: false). */
export async function addMember(roomId: string, userId: string): Promise<{ member: RoomMember; created: boolean }> {
  const res = await client.members.add(roomId, userId);
  set((s) => {
    const list = s.members[roomId];
    if (!list || list.some((m) => m.user.id === userId)) return s;
    const r = s.rooms[roomId];
    return {
      ...s,
      users: { ...s.users, [userId]: res.member.user },
      members: { ...s.members, [roomId]: [...list, res.member] },
      rooms: r ? { ...s.rooms, [roomId]: { ...r, member_count: r.member_count + 1 } } : s.rooms,
    };
  });
  return res;
}

export async function setRole(roomId: string, userId: string, role: 'admin' | 'member'): Promise<void> {
  putMember(roomId, await client.members.setRole(roomId, userId, role));
}

/** The owner hands the room over and becomes an admin. */
export async function transferOwnership(roomId: string, userId: string): Promise<void> {
  const newOwner = await client.members.transfer(roomId, userId);
  putMember(roomId, newOwner);
  const me = store.get().members[roomId]?.find((m) => m.user.id === store.get().me?.id);
  if (me) putMember(roomId, { ...me, role: 'admin' });
}

/** Mutes until a time (null: until unmuted), or unmutes. */
export async function muteMember(roomId: string, userId: string, muted: boolean, until: string | null = null): Promise<void> {
  putMember(roomId, await client.members.mute(roomId, userId, muted ? { muted, muted_until: until } : { muted: false }));
}

export async function removeMember(roomId: string, userId: string): Promise<void> {
  await client.members.remove(roomId, userId);
  dropMember(roomId, userId);
}

export async function banMember(roomId: string, userId: string, reason: string): Promise<void> {
  await client.members.ban(roomId, userId, reason || undefined);
  dropMember(roomId, userId);
}

export async function listBans(roomId: string): Promise<Ban[]> {
  return everyItem((cursor) => client.members.bans(roomId, { limit: 100, cursor }));
}

export async function unban(roomId: string, userId: string): Promise<void> {
  await client.members.unban(roomId, userId);
}

export async function searchUsers(q: string): Promise<State['users'][string][]> {
  return (await client.users.search({ q, limit: 8 })).items;
}

// ── Pins ────────────────────────────────────────────────────────────────────────────────────────

/** The room's pinned messages, newest pin first; their senders and bodies join the store. */
export async function loadPins(roomId: string): Promise<Pin[]> {
  const items = await everyItem((cursor) => client.messages.pins(roomId, { limit: 100, cursor }));
  set((s) => {
    const messages = { ...s.messages };
    const users = { ...s.users };
    for (const p of items) {
      const { pinned_at: _at, pinned_by: _by, ...m } = p;
      const known: Message | undefined = messages[m.id];
      // Per-reader fields of a message already loaded stay; the rest is the server's latest.
      messages[m.id] = known ? { ...known, ...m } : m;
      users[m.sender.id] ??= m.sender;
    }
    return { ...s, messages, users };
  });
  return items;
}

// ── Errors ──────────────────────────────────────────────────────────────────────────────────────

export interface FormErrors {
  /** The message for the form as a whole (shown in role="alert"). */
  message: string;
  /** Messages per field name ("name", "categories"), from the server's details. */
  fields: Record<string, string>;
}

const isFieldDetail = (d: unknown): d is { field: string; message: string } =>
  typeof d === 'object' && d !== null && 'field' in d && 'message' in d && typeof d.field === 'string' && typeof d.message === 'string';

/** Splits a refusal into per-field messages (validation details name "body.name") and the rest. */
export function formErrors(err: unknown): FormErrors {
  if (!isRoomsApiError(err)) return { message: err instanceof Error ? err.message : String(err), fields: {} };
  const fields: Record<string, string> = {};
  if (Array.isArray(err.details)) {
    for (const d of err.details) {
      if (!isFieldDetail(d)) continue;
      const name = d.field.split('.')[1] ?? d.field;
      const text = d.message.charAt(0).toUpperCase() + d.message.slice(1);
      fields[name] = fields[name] ? `${fields[name]} ${text}` : text;
    }
  }
  const hasFields = Object.keys(fields).length > 0;
  return { message: hasFields ? 'Please check the highlighted fields.' : err.message, fields };
}
