import { z } from 'zod';
import { ROOM_LIMITS } from '../limits.ts';
import { Id, Timestamp, pageOf, pageQueryFields, text } from './common.ts';

/*
 * Server administration over the API (issue 19): server admins deactivate accounts and read the
 * moderation audit log (every moderation action by room admins and server admins).
 */

export const AuditAction = z.enum([
  'message_deleted',
  'member_muted',
  'member_unmuted',
  'member_removed',
  'member_banned',
  'member_unbanned',
  'member_role_changed',
  'account_deactivated',
  'report_resolved',
  'report_dismissed',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** POST /admin/users/:id/deactivate: an optional reason, kept in the audit log. */
export const DeactivateUserBody = z.strictObject({
  reason: text({ min: 1, max: ROOM_LIMITS.reportReason.max, multiline: true }).optional(),
});

export const AuditQuery = z.strictObject({
  ...pageQueryFields(),
  room_id: Id.optional().meta({ description: 'only actions in this room' }),
  actor_id: Id.optional().meta({ description: 'only actions by this user' }),
  action: AuditAction.optional(),
});

export const AuditEntry = z.object({
  id: Id,
  /** null: done on the server's machine with `rooms admin …`. */
  actor_id: Id.nullable(),
  action: AuditAction,
  target_user_id: Id.nullable(),
  target_message_id: Id.nullable(),
  room_id: Id.nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  created_at: Timestamp,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = pageOf(AuditEntry);
