import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { AuditAction, AuditFilter, AuditRow } from '../../store/audit-types.ts';
import type { Store } from '../../store/store.ts';
import type { Page, PageRequest } from '../../store/types.ts';

export interface AuditEntry {
  actorId: string | null;
  action: AuditAction;
  targetUserId?: string | null | undefined;
  targetMessageId?: string | null | undefined;
  roomId?: string | null | undefined;
  reason?: string | null | undefined;
  details?: Record<string, unknown> | null | undefined;
}

/**
 * Writes one audit entry. Call it with the transaction's store (work.tx) so the entry commits or
 * rolls back with the action it records: never an action without its entry, nor an entry for a
 * refused action.
 */
export async function writeAudit(tx: Store, now: string, e: AuditEntry): Promise<void> {
  await tx.audit.add({
    id: newId(),
    actor_id: e.actorId,
    action: e.action,
    target_user_id: e.targetUserId ?? null,
    target_message_id: e.targetMessageId ?? null,
    room_id: e.roomId ?? null,
    reason: e.reason ?? null,
    details: e.details ?? null,
    created_at: now,
  });
}

/** Reading the audit log (`GET /admin/audit`): server admins only. */
export class AuditService {
  private readonly d: { store: Store };

  constructor(deps: { store: Store }) {
    this.d = deps;
  }

  async list(actor: Actor, filter: AuditFilter, page: PageRequest): Promise<Page<AuditRow>> {
    if (!actor.isAdmin) throw new DomainError('forbidden', 'Only server admins may read the audit log.');
    return this.d.store.audit.list(filter, page);
  }
}
