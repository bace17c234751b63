import type { BroadcastResult, MarkedCount, NotificationListQuery, NotificationPage, PresenceList, PresenceQuery } from '@rooms/protocol';
import { seg, type Http } from '../http.ts';
import type { Out, QueryIn } from './types.ts';

/** Mentions, replies, invites and direct messages addressed to me. */
export function notificationsApi(http: Http) {
  return {
    list: (query: QueryIn<typeof NotificationListQuery> = {}) => http.get<Out<typeof NotificationPage>>('/notifications', query),
    markRead: (id: string) => http.patch<void>(`/notifications/${seg(id)}/read`),
    markAllRead: () => http.patch<Out<typeof MarkedCount>>('/notifications/read-all'),
  };
}

/** Who is around, and announcements to everyone online. */
export function presenceApi(http: Http) {
  return {
    /** state online (default), or connected / active with minutes (1-60). */
    list: (query: QueryIn<typeof PresenceQuery> = {}) => http.get<Out<typeof PresenceList>>('/presence', query),
    /** Server admins only: every online user gets a `broadcast` event. */
    broadcast: (content: string) => http.post<Out<typeof BroadcastResult>>('/broadcasts', { content }),
  };
}
