import type { Room, State } from './types.ts';

/** Rooms by last activity, newest first (rooms without messages by creation). */
export function sortedRooms(rooms: State['rooms']): Room[] {
  const at = (r: Room) => r.last_message_at ?? r.created_at;
  return Object.values(rooms).sort((a, b) => (at(a) < at(b) ? 1 : at(a) > at(b) ? -1 : a.id < b.id ? 1 : -1));
}

/** The rooms of my list (the sidebar): a direct room I hid is left out until it is shown again. */
export function listedRooms(rooms: State['rooms']): Room[] {
  return sortedRooms(rooms).filter((r) => !r.membership?.hidden);
}

/** The name a room is shown by: a direct room is named after the other person. */
export function roomName(s: Pick<State, 'users'>, r: Room): string {
  if (r.type === 'direct') return (r.peer && (s.users[r.peer.id] ?? r.peer).display_name) || 'Direct message';
  return r.name;
}
