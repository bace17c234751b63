import {
  LIMITS,
  type CreateRoomBody,
  type MyRoomsQuery,
  type NotificationLevel,
  type PublicRoomsQuery,
  type RoomFlagsBody,
  type RoomList,
  type RoomPreview,
  type RoomPreviewPage,
  type RoomView,
  type UpdateRoomBody,
} from '@rooms/protocol';
import { seg, type Http } from '../http.ts';
import { userRefBody, type UserRef } from './pages.ts';
import type { In, Out, QueryIn } from './types.ts';

export type Room = Out<typeof RoomView>;
export type RoomPreviewT = Out<typeof RoomPreview>;
type RoomPage = Out<typeof RoomList>;

/** Where a room stands in my list: its latest message, else its creation. */
const activity = (r: Room): string => r.last_message_at ?? r.created_at;
const newestFirst = (a: Room, b: Room): number =>
  activity(a) === activity(b) ? (a.id < b.id ? 1 : -1) : activity(a) < activity(b) ? 1 : -1;

/**
 * Every page of my rooms, as one list. A room written to (or created) while the pages are read
 * moves ahead of the cursor, past the pages still to come: when there was more than one page, the
 * front of the list is read again down to where the first page began, and the fresher rows win.
 */
async function allMyRooms(page: (cursor?: string) => Promise<RoomPage>): Promise<RoomPage> {
  const first = await page();
  if (!first.next_cursor) return first;
  const byId = new Map<string, Room>();
  for (let p: RoomPage | undefined = first; p; p = p.next_cursor ? await page(p.next_cursor) : undefined)
    for (const r of p.items) byId.set(r.id, r);
  const since = first.items[0] ? activity(first.items[0]) : '';
  for (let p: RoomPage | undefined = await page(); p; p = p.next_cursor ? await page(p.next_cursor) : undefined) {
    const fresh = p.items.filter((r) => activity(r) >= since);
    for (const r of fresh) byId.set(r.id, r);
    if (fresh.length < p.items.length) break;
  }
  return { items: [...byId.values()].sort(newestFirst), next_cursor: null };
}

/** Rooms: mine, discovery, create/update/delete, join and leave, direct rooms. */
export function roomsApi(http: Http) {
  return {
    /** All my rooms, most recent activity first, with unread counts (every page, read for you). */
    list: () => allMyRooms((cursor) => http.get<RoomPage>('/rooms', { limit: LIMITS.roomPage.max, cursor })),
    /** One page of my rooms; pass the previous page's next_cursor for the next. */
    page: (query: QueryIn<typeof MyRoomsQuery> = {}) => http.get<RoomPage>('/rooms', query),
    /** Public rooms by name and category. */
    discover: (query: QueryIn<typeof PublicRoomsQuery> = {}) => http.get<Out<typeof RoomPreviewPage>>('/rooms/public', query),
    create: (body: In<typeof CreateRoomBody>) => http.post<Room>('/rooms', body),
    /** Members get the whole room; others a public room's discovery fields. */
    get: (id: string) => http.get<Room | RoomPreviewT>(`/rooms/${seg(id)}`),
    update: (id: string, body: In<typeof UpdateRoomBody>) => http.put<Room>(`/rooms/${seg(id)}`, body),
    remove: (id: string) => http.delete(`/rooms/${seg(id)}`),
    /** Server admins: featured and archived. */
    setFlags: (id: string, flags: In<typeof RoomFlagsBody>) => http.put<RoomPreviewT>(`/rooms/${seg(id)}/flags`, flags),
    join: (id: string) => http.post<Room>(`/rooms/${seg(id)}/join`),
    leave: (id: string) => http.post<void>(`/rooms/${seg(id)}/leave`),
    /** Direct rooms: out of my list (rooms.list) until a message arrives in it, I open it again or unhide it. */
    hide: (id: string) => http.post<void>(`/rooms/${seg(id)}/hide`),
    unhide: (id: string) => http.delete(`/rooms/${seg(id)}/hide`),
    setNotificationLevel: (id: string, level: Out<typeof NotificationLevel>) =>
      http.put<void>(`/rooms/${seg(id)}/notifications`, { level }),
    /** Opens (created: true) or returns the one direct room with this user (an id, or { username }). */
    openDirect: async (who: UserRef) => {
      const res =
        typeof who === 'string'
          ? await http.request<Room>('POST', `/direct/${seg(who)}`)
          : await http.request<Room>('POST', '/direct', { body: userRefBody(who) });
      return { room: res.body, created: res.status === 201 };
    },
  };
}
