import type { CreateRoomBody, NotificationLevel, PublicRoomsQuery, RoomFlagsBody, RoomList, RoomPreview, RoomPreviewPage, RoomView, UpdateRoomBody } from '@rooms/protocol';
import { seg, type Http } from '../http.ts';
import type { In, Out, QueryIn } from './types.ts';

export type Room = Out<typeof RoomView>;
export type RoomPreviewT = Out<typeof RoomPreview>;

/** Rooms: mine, discovery, create/update/delete, join and leave, direct rooms. */
export function roomsApi(http: Http) {
  return {
    /** My rooms, most recent activity first, with unread counts. */
    list: () => http.get<Out<typeof RoomList>>('/rooms'),
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
    setNotificationLevel: (id: string, level: Out<typeof NotificationLevel>) => http.put<void>(`/rooms/${seg(id)}/notifications`, { level }),
    /** Opens (created: true) or returns the one direct room with this user. */
    openDirect: async (userId: string) => {
      const res = await http.request<Room>('POST', `/direct/${seg(userId)}`);
      return { room: res.body, created: res.status === 201 };
    },
  };
}
