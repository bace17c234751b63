import type { BlockList, MeView, PageQuery, ProfileUpdate, UserPage, UserSearchQuery, UserView } from '@rooms/protocol';
import { userRefBody, type UserRef } from './pages.ts';
import { seg, type Http } from '../http.ts';
import type { Session } from './auth.ts';
import type { In, Out, QueryIn } from './types.ts';

type Me = Out<typeof MeView>;

/** Profiles, the account's own settings, follows and the block list. */
export function usersApi(http: Http) {
  return {
    get: (id: string) => http.get<Out<typeof UserView>>(`/users/${seg(id)}`),
    /** Active users whose username or display name starts with q. */
    search: (query: QueryIn<typeof UserSearchQuery>) => http.get<Out<typeof UserPage>>('/users/search', query),
    /** The active account with this username (404 user_not_found otherwise). */
    byName: (username: string) => http.get<Out<typeof UserView>>(`/users/by-name/${seg(username)}`),
    updateMe: (patch: In<typeof ProfileUpdate>) => http.patch<Me>('/users/me', patch),
    /** Hides the account at once; purged after the grace period unless you log in again. */
    deactivate: (password: string) => http.delete('/users/me', { password }),
    changeUsername: (username: string) => http.put<Me>('/users/me/username', { username }),
    /** Signs out every other session; this client gets the fresh token. */
    changePassword: async (currentPassword: string, newPassword: string) => {
      const s = await http.put<Session>('/users/me/password', { current_password: currentPassword, new_password: newPassword });
      http.token = s.token;
      return s;
    },
    changeEmail: (email: string, password: string) => http.put<Me>('/users/me/email', { email, password }),
    follow: (id: string) => http.post<void>(`/users/${seg(id)}/follow`),
    unfollow: (id: string) => http.delete(`/users/${seg(id)}/follow`),
    followers: (id: string, page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof UserPage>>(`/users/${seg(id)}/followers`, page),
    following: (id: string, page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof UserPage>>(`/users/${seg(id)}/following`, page),
    blocks: (page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof BlockList>>('/users/me/blocks', page),
    /** A blocked user cannot open a direct room with you or message you there. */
    block: (who: UserRef) =>
      typeof who === 'string' ? http.post<void>(`/users/${seg(who)}/block`) : http.post<void>('/users/me/blocks', userRefBody(who)),
    unblock: (id: string) => http.delete(`/users/${seg(id)}/block`),
  };
}
