import type { Page, PageRequest } from './types.ts';

/**
 * What the audit log records (issue 19): every moderation action taken with power over others,
 * by room admins and owners or by server admins. Written in the same transaction as the action.
 */
export type AuditAction =
  | 'message_deleted'
  | 'member_muted'
  | 'member_unmuted'
  | 'member_removed'
  | 'member_banned'
  | 'member_unbanned'
  | 'member_role_changed'
  | 'account_deactivated'
  | 'report_resolved'
  | 'report_dismissed';

export interface AuditRow {
  /** UUIDv7: time-ordered, so the newest entries sort first by id. */
  id: string;
  /** Who acted; null for the command line on the server's machine (`rooms admin …`). */
  actor_id: string | null;
  action: AuditAction;
  target_user_id: string | null;
  target_message_id: string | null;
  room_id: string | null;
  reason: string | null;
  /** Small action-specific facts (the new role, muted_until, the report id). */
  details: Record<string, unknown> | null;
  created_at: string;
}

export interface AuditFilter {
  roomId?: string | undefined;
  actorId?: string | undefined;
  action?: AuditAction | undefined;
}

export interface AuditRepository {
  add(entry: AuditRow): Promise<void>;
  /** Newest first, keyset-paginated by id. */
  list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRow>>;
}
