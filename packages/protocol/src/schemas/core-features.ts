import { z } from 'zod';
import { LIMITS, ROOM_LIMITS } from '../limits.ts';
import { Id, Timestamp, text } from './common.ts';
import { RoomPreview, RoomView } from './rooms.ts';
import { UserSummary } from './users.ts';

/*
 * Core features the legacy protocols need (issue 18), on REST and in the SDK too: reports (SPEC 8),
 * room likes and rooms of people I follow (seed 000), counsellor matching (SPEC 8, seed 002).
 */

// ---- Reports ----

export const ReportStatus = z.enum(['open', 'resolved', 'dismissed']);
export type ReportStatus = z.infer<typeof ReportStatus>;
const reason = text({ min: 1, max: ROOM_LIMITS.reportReason.max, multiline: true });
const action = text({ min: 1, max: ROOM_LIMITS.reportReason.max, multiline: true });

/** Report a message (its room comes with it) or a user (optionally in the room where it happened). */
export const CreateReportBody = z.union([
  z.strictObject({ message_id: Id, reason }),
  z.strictObject({
    user_id: Id,
    room_id: Id.optional().meta({ description: 'where it happened: that room’s admins review it too' }),
    reason,
  }),
]);

/** Resolve (with the action taken) or dismiss an open report. */
export const ReviewReportBody = z.union([
  z.strictObject({ status: z.literal('resolved'), action }),
  z.strictObject({ status: z.literal('dismissed'), action: action.optional() }),
]);

export const ReportsQuery = z.strictObject({
  /** review: the queue of what I may review (server admins: everything; room admins: their rooms). mine: what I reported. */
  scope: z.enum(['review', 'mine']).default('review'),
  status: ReportStatus.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.page.max).default(LIMITS.page.default),
  cursor: z.string().max(300).optional(),
});

/** The reported message as it was when first reported: evidence that survives edits and deletes. */
export const ReportedMessage = z.object({
  id: Id,
  room_id: Id,
  sender: UserSummary,
  content: z.string(),
  attachment_ids: z.array(Id),
  created_at: Timestamp,
  edited_at: Timestamp.nullable(),
});

export const ReportFiling = z.object({ reporter: UserSummary, reason: z.string(), created_at: Timestamp });

export const ReportView = z.object({
  id: Id,
  kind: z.enum(['message', 'user']),
  status: ReportStatus,
  room_id: Id.nullable(),
  reported_user: UserSummary,
  message: ReportedMessage.nullable(),
  /** How many people reported it (duplicates of one message or user, while open, are merged). */
  report_count: z.number().int(),
  /** Reviewers see every filing; a reporter sees their own. */
  filings: z.array(ReportFiling),
  action: z.string().nullable(),
  reviewed_by: UserSummary.nullable(),
  reviewed_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type ReportView = z.infer<typeof ReportView>;
export const ReportPage = z.object({ items: z.array(ReportView), next_cursor: z.string().nullable() });

// ---- Room likes and rooms of people I follow ----

export const RoomLikeResult = z.object({ liked: z.boolean(), like_count: z.number().int() });
export const FollowedRoom = z.object({ room: RoomPreview, author: UserSummary, created_at: Timestamp });
export const FollowedRoomPage = z.object({ items: z.array(FollowedRoom), next_cursor: z.string().nullable() });

// ---- Counsellors ----

export const CounsellorFlagBody = z.strictObject({ counsellor: z.boolean() });
export const CounsellorAvailabilityBody = z.strictObject({ available: z.boolean() });
export const CounsellorStatus = z.object({ user_id: Id, counsellor: z.boolean(), available: z.boolean() });

export const CounsellorRequest = z.object({
  id: Id,
  user: UserSummary,
  counsellor: UserSummary.nullable(),
  /** matched: a room was made; missed: nobody was available. */
  status: z.enum(['matched', 'missed']),
  room_id: Id.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type CounsellorRequest = z.infer<typeof CounsellorRequest>;
export const CounsellorMatch = z.object({ request: CounsellorRequest, counsellor: UserSummary, room: RoomView });
export const CounsellorRequestPage = z.object({ items: z.array(CounsellorRequest), next_cursor: z.string().nullable() });
