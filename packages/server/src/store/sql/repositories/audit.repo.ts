import type { AuditAction, AuditFilter, AuditRepository, AuditRow } from '../../audit-types.ts';
import { decodeKey, encodeKey } from '../../cursor.ts';
import { pageFrom, type Page, type PageRequest } from '../../types.ts';
import { SqlRepository } from './sql-repository.ts';

export class SqlAuditRepository extends SqlRepository implements AuditRepository {
  async add(entry: AuditRow): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ ...entry, details: entry.details === null ? null : JSON.stringify(entry.details) })
      .execute();
  }

  async list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRow>> {
    const after = decodeKey(page.cursor, ['uuid'] as const);
    let q = this.db.selectFrom('audit_log').selectAll();
    if (filter.roomId !== undefined) q = q.where('room_id', '=', filter.roomId);
    if (filter.actorId !== undefined) q = q.where('actor_id', '=', filter.actorId);
    if (filter.action !== undefined) q = q.where('action', '=', filter.action);
    if (after) q = q.where('id', '<', after[0]);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.map((r): AuditRow => ({
      ...r,
      action: r.action as AuditAction,
      details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>),
    }));
    return pageFrom(items, page.limit, (last) => encodeKey([last.id]));
  }
}
