import type { AuditPage, AuditQuery, DeactivateUserBody } from '@rooms/protocol';
import { seg, type Http } from '../http.ts';
import type { In, Out, QueryIn } from './types.ts';

export type AuditEntryView = Out<typeof AuditPage>['items'][number];

/**
 * Server administration (server admins only; 403 forbidden for anyone else). Room moderation by
 * a server admin goes through `members`, `messages.delete` like a room admin's, in any room.
 */
export function adminApi(http: Http) {
  return {
    /** Deactivate an account: hidden, signed out everywhere, purged later unless its owner logs back in. */
    deactivateUser: (userId: string, body: In<typeof DeactivateUserBody> = {}) =>
      http.post<void>(`/admin/users/${seg(userId)}/deactivate`, body),
    /** The moderation audit log, newest first; filter by room_id, actor_id, action. */
    audit: (query: QueryIn<typeof AuditQuery> = {}) => http.get<Out<typeof AuditPage>>('/admin/audit', query),
  };
}
