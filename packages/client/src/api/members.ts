import type {
  BanList,
  CreateInviteBody,
  Invite,
  InviteList,
  InvitePreview,
  Member,
  MemberPage,
  MuteBody,
  PageQuery,
} from '@rooms/protocol';
import { seg, type Http } from '../http.ts';
import { userRefBody, type UserRef } from './pages.ts';
import type { Room } from './rooms.ts';
import type { In, Out, QueryIn } from './types.ts';

type M = Out<typeof Member>;

/** Members, roles, mutes and bans of a room. */
export function membersApi(http: Http) {
  const at = (roomId: string, userId?: string) => `/rooms/${seg(roomId)}/members${userId === undefined ? '' : `/${seg(userId)}`}`;
  return {
    list: (roomId: string, page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof MemberPage>>(at(roomId), page),
    /** Room admins add a user (created: false when already a member). */
    add: async (roomId: string, who: UserRef) => {
      const res = await http.request<M>('POST', at(roomId), { body: userRefBody(who) });
      return { member: res.body, created: res.status === 201 };
    },
    remove: (roomId: string, userId: string) => http.delete(at(roomId, userId)),
    setRole: (roomId: string, userId: string, role: 'admin' | 'member') => http.patch<M>(`${at(roomId, userId)}/role`, { role }),
    mute: (roomId: string, userId: string, body: In<typeof MuteBody>) => http.patch<M>(at(roomId, userId), body),
    transfer: (roomId: string, userId: string) => http.post<M>(`/rooms/${seg(roomId)}/transfer`, { user_id: userId }),
    /** Room admins ban a user (an id, or { username }). */
    ban: (roomId: string, who: UserRef, reason?: string) =>
      http.post<void>(`/rooms/${seg(roomId)}/bans`, { ...userRefBody(who), ...(reason === undefined ? {} : { reason }) }),
    bans: (roomId: string, page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof BanList>>(`/rooms/${seg(roomId)}/bans`, page),
    unban: (roomId: string, userId: string) => http.delete(`/rooms/${seg(roomId)}/bans/${seg(userId)}`),
  };
}

/** Invite codes: admins create and revoke; anyone with the code previews and joins. */
export function invitesApi(http: Http) {
  return {
    create: (roomId: string, body: In<typeof CreateInviteBody> = {}) =>
      http.post<Out<typeof Invite>>(`/rooms/${seg(roomId)}/invites`, body),
    /** Room admins: the room's invites that can still be used, newest first. */
    list: (roomId: string, page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof InviteList>>(`/rooms/${seg(roomId)}/invites`, page),
    preview: (code: string) => http.get<Out<typeof InvitePreview>>(`/invites/${seg(code)}`),
    /** joined: false when already a member. */
    accept: async (code: string) => {
      const res = await http.request<Room>('POST', `/invites/${seg(code)}/accept`);
      return { room: res.body, joined: res.status === 201 };
    },
    revoke: (code: string) => http.delete(`/invites/${seg(code)}`),
  };
}
