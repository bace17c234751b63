import type {
  CounsellorMatch,
  CounsellorRequestPage,
  CounsellorStatus,
  CreateReportBody,
  FollowedRoomPage,
  PageQuery,
  ReportPage,
  ReportsQuery,
  ReportView,
  ReviewReportBody,
  RoomLikeResult,
} from '@rooms/protocol';
import { seg, type Http } from '../http.ts';
import type { In, Out, QueryIn } from './types.ts';

export type Report = Out<typeof ReportView>;

/** Reports (SPEC 8): file one, follow your own, and (admins) review the queue. */
export function reportsApi(http: Http) {
  return {
    /** Report a message you can read ({ message_id, reason }) or a user ({ user_id, room_id?, reason }). */
    create: (body: In<typeof CreateReportBody>) => http.post<Report>('/reports', body),
    /** scope 'review' (default): the queue you may review; 'mine': your own reports and their outcome. */
    list: (query: QueryIn<typeof ReportsQuery> = {}) => http.get<Out<typeof ReportPage>>('/reports', query),
    get: (id: string) => http.get<Report>(`/reports/${seg(id)}`),
    /** Resolve (with the action taken) or dismiss an open report. */
    review: (id: string, body: In<typeof ReviewReportBody>) => http.patch<Report>(`/reports/${seg(id)}`, body),
  };
}

/** Room likes and rooms of the people I follow (seed 000). */
export function roomLikesApi(http: Http) {
  return {
    /** Likes a room, or takes the like back; never your own room. */
    toggle: (roomId: string) => http.post<Out<typeof RoomLikeResult>>(`/rooms/${seg(roomId)}/like`),
    /** Rooms created by the people you follow, that you can see, newest first. */
    following: (page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof FollowedRoomPage>>('/rooms/following', page),
  };
}

/** Counsellor matching (SPEC 8). */
export function counsellorsApi(http: Http) {
  type Status = Out<typeof CounsellorStatus>;
  return {
    /** Server admins: set or clear a user's counsellor flag. */
    setFlag: (userId: string, counsellor: boolean) => http.put<Status>(`/counsellors/${seg(userId)}`, { counsellor }),
    me: () => http.get<Status>('/counsellors/me'),
    /** Counsellors: available for matches, or not. */
    setAvailability: (available: boolean) => http.post<Status>('/counsellors/availability', { available }),
    /** A private room with the least busy available counsellor; 409 counsellor_unavailable when none is. */
    match: () => http.post<Out<typeof CounsellorMatch>>('/counsellors/match'),
    /** Counsellors: your matches and the missed requests, newest first. */
    requests: (page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof CounsellorRequestPage>>('/counsellors/requests', page),
  };
}
