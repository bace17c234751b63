import { sql, type Selectable } from 'kysely';
import type {
  NewReport,
  ReportFilingRow,
  ReportRepository,
  ReportRow,
  ReportScope,
  ReportSnapshot,
  ReportStatus,
} from '../../core-features-store.ts';
import { decodeCursor, encodeCursor } from '../../cursor.ts';
import type { Page } from '../../types.ts';
import type { ReportsTable } from '../schema.ts';
import { SqlRepository } from './sql-repository.ts';

const toReport = (r: Selectable<ReportsTable>): ReportRow => {
  const { dedupe_key: _key, snapshot, ...rest } = r;
  return {
    ...rest,
    kind: r.kind as ReportRow['kind'],
    status: r.status as ReportStatus,
    snapshot: snapshot === null ? null : (JSON.parse(snapshot) as ReportSnapshot),
    report_count: Number(r.report_count),
  };
};

/** What makes two reports the same: the message, or (for a report of a user) the user. */
const dedupeKey = (r: NewReport): string => (r.kind === 'message' ? `message:${r.message_id}` : `user:${r.reported_user_id}`);

/** Reports (SPEC 8): one open report per reported thing, each reporter's filing merged into it. */
export class SqlReportRepository extends SqlRepository implements ReportRepository {
  /** Call inside a transaction. Concurrent first reports meet on the unique index of open reports: one row wins, the other merges. */
  async file(r: NewReport, reporterId: string, reason: string, at: string): Promise<{ report: ReportRow; added: boolean }> {
    const key = dedupeKey(r);
    await this.db
      .insertInto('reports')
      .values({
        id: r.id,
        kind: r.kind,
        dedupe_key: key,
        status: 'open',
        room_id: r.room_id,
        reported_user_id: r.reported_user_id,
        message_id: r.message_id,
        snapshot: r.snapshot === null ? null : JSON.stringify(r.snapshot),
        report_count: 0,
        created_at: at,
        updated_at: at,
      })
      // The target names the partial index's predicate literally: SQLite matches it by its text, a parameter would not do.
      .onConflict((oc) =>
        oc
          .column('dedupe_key')
          .where(sql<boolean>`status = 'open'`)
          .doNothing(),
      )
      .execute();
    const open = await this.db
      .selectFrom('reports')
      .select('id')
      .where('dedupe_key', '=', key)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    const filed = await this.db
      .insertInto('report_filings')
      .values({ report_id: open.id, reporter_id: reporterId, reason, created_at: at })
      .onConflict((oc) => oc.columns(['report_id', 'reporter_id']).doNothing())
      .executeTakeFirst();
    const added = Number(filed.numInsertedOrUpdatedRows ?? 0n) > 0;
    if (added) {
      await this.db
        .updateTable('reports')
        .set({ report_count: sql<number>`report_count + 1`, updated_at: at })
        .where('id', '=', open.id)
        .execute();
    }
    const row = await this.db.selectFrom('reports').selectAll().where('id', '=', open.id).executeTakeFirstOrThrow();
    return { report: toReport(row), added };
  }

  async findById(id: string): Promise<ReportRow | undefined> {
    const r = await this.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toReport(r);
  }

  async review(
    id: string,
    status: 'resolved' | 'dismissed',
    action: string | null,
    reviewerId: string,
    at: string,
  ): Promise<ReportRow | undefined> {
    const r = await this.db
      .updateTable('reports')
      .set({ status, action, reviewed_by: reviewerId, reviewed_at: at, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst();
    return r && toReport(r);
  }

  async list(
    scope: ReportScope,
    filter: { status?: ReportStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<ReportRow>> {
    const after = decodeCursor(filter.cursor);
    let q = this.db.selectFrom('reports').selectAll();
    if ('adminOf' in scope) {
      q = q.where('room_id', 'in', (eb) =>
        eb
          .selectFrom('memberships')
          .select('memberships.room_id')
          .where('memberships.user_id', '=', scope.adminOf)
          .where('memberships.role', 'in', ['owner', 'admin']),
      );
    } else if ('reporterId' in scope) {
      q = q.where('id', 'in', (eb) =>
        eb.selectFrom('report_filings').select('report_filings.report_id').where('report_filings.reporter_id', '=', scope.reporterId),
      );
    }
    if (filter.status) q = q.where('status', '=', filter.status);
    if (after)
      q = q.where((eb) => eb.or([eb('created_at', '<', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)])]));
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    const page = rows.slice(0, filter.limit).map(toReport);
    const last = page.at(-1);
    return { items: page, next_cursor: rows.length > filter.limit && last ? encodeCursor(last.created_at, last.id) : null };
  }

  async filings(reportIds: string[], reporterId?: string): Promise<ReportFilingRow[]> {
    if (reportIds.length === 0) return [];
    let q = this.db.selectFrom('report_filings').selectAll().where('report_id', 'in', reportIds);
    if (reporterId !== undefined) q = q.where('reporter_id', '=', reporterId);
    return q.orderBy('created_at').orderBy('reporter_id').execute();
  }
}
