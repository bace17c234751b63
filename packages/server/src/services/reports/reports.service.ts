import type { z } from 'zod';
import type { CreateReportBody, ReportsQuery, ReportView, ReviewReportBody } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { writeAudit } from '../audit/audit.service.ts';
import { newId } from '../../domain/ids.ts';
import type { Clock } from '../../ports/clock.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import type { NewReport, ReportRow, ReportScope } from '../../store/core-features-store.ts';
import type { Store } from '../../store/store.ts';
import type { Page, UserRow } from '../../store/types.ts';
import { authorize } from '../rooms/room-access.ts';
import { requireActiveUser } from '../users/active-user.ts';
import { hiddenSummary, toSummary } from '../users/user-presenter.ts';

export interface ReportsDeps {
  store: Store;
  clock: Clock;
  /** Reports per user per window (REPORT_RATE_LIMIT / REPORT_RATE_WINDOW). */
  rateLimiter: RateLimiter;
  /** Loads a message the actor may read (404 otherwise): MessagesService.load. */
  messages: {
    load(
      actor: Actor,
      messageId: string,
      action: 'read',
    ): Promise<{
      message: {
        id: string;
        room_id: string;
        sender_id: string;
        content: string;
        created_at: string;
        edited_at: string | null;
        deleted_at: string | null;
      };
    }>;
  };
}

const reportNotFound = () => new DomainError('report_not_found', 'No such report.');

/**
 * Reports (SPEC 8): anyone reports a message they can read, or a user; the room's admins (and
 * server admins) review the queue and resolve or dismiss with the action taken; reporters follow
 * their own reports. Duplicates merge into the open report of the same thing.
 */
export class ReportsService {
  private readonly d: ReportsDeps;

  constructor(deps: ReportsDeps) {
    this.d = deps;
  }

  async file(actor: Actor, input: z.output<typeof CreateReportBody>): Promise<ReportView> {
    const limit = await this.d.rateLimiter.hit(actor.id);
    if (!limit.allowed)
      throw new DomainError('rate_limited', 'Too many reports. Try again later.', { retryAfterSeconds: limit.retryAfterSeconds });
    const now = this.d.clock.now();
    let report: NewReport;
    if ('message_id' in input) {
      const { message: m } = await this.d.messages.load(actor, input.message_id, 'read');
      if (m.deleted_at !== null) throw new DomainError('message_not_found', 'No such message.');
      if (m.sender_id === actor.id) throw new DomainError('cannot_target_self', 'You cannot report your own message.');
      const attachments = await this.d.store.attachments.forMessages([m.id]);
      report = {
        id: newId(),
        kind: 'message',
        room_id: m.room_id,
        reported_user_id: m.sender_id,
        message_id: m.id,
        snapshot: {
          id: m.id,
          room_id: m.room_id,
          sender_id: m.sender_id,
          content: m.content,
          attachment_ids: attachments.map((a) => a.id),
          created_at: m.created_at,
          edited_at: m.edited_at,
        },
      };
    } else {
      if (input.user_id === actor.id) throw new DomainError('cannot_target_self', 'You cannot report yourself.');
      await requireActiveUser(this.d.store, input.user_id);
      // The room it happened in, if given, must be one the reporter can read: its admins will review it.
      if (input.room_id !== undefined) await authorize(this.d.store, actor, input.room_id, 'read', now);
      report = {
        id: newId(),
        kind: 'user',
        room_id: input.room_id ?? null,
        reported_user_id: input.user_id,
        message_id: null,
        snapshot: null,
      };
    }
    const { report: row } = await this.d.store.transaction((tx) => tx.reports.file(report, actor.id, input.reason, now.toISOString()));
    return (await this.present([row], actor, { reviewer: await this.canReview(actor, row) }))[0]!;
  }

  /** review: what the actor may review (everything for server admins, their rooms' for room admins); mine: their own reports. */
  async list(actor: Actor, q: z.output<typeof ReportsQuery>): Promise<Page<ReportView>> {
    const scope: ReportScope = q.scope === 'mine' ? { reporterId: actor.id } : actor.isAdmin ? { all: true } : { adminOf: actor.id };
    const page = await this.d.store.reports.list(scope, { status: q.status, limit: q.limit, cursor: q.cursor });
    return { items: await this.present(page.items, actor, { reviewer: q.scope === 'review' }), next_cursor: page.next_cursor };
  }

  async get(actor: Actor, id: string): Promise<ReportView> {
    const row = await this.d.store.reports.findById(id);
    if (!row) throw reportNotFound();
    const reviewer = await this.canReview(actor, row);
    if (!reviewer && (await this.d.store.reports.filings([id], actor.id)).length === 0) throw reportNotFound();
    return (await this.present([row], actor, { reviewer }))[0]!;
  }

  /** Resolves (with the action taken) or dismisses an open report. Reporters who cannot review get 403; anyone else 404. */
  async review(actor: Actor, id: string, input: z.output<typeof ReviewReportBody>): Promise<ReportView> {
    const row = await this.d.store.reports.findById(id);
    if (!row) throw reportNotFound();
    if (!(await this.canReview(actor, row))) {
      if ((await this.d.store.reports.filings([id], actor.id)).length > 0)
        throw new DomainError('forbidden', 'Only the room’s admins and server admins review reports.');
      throw reportNotFound();
    }
    const now = this.d.clock.now().toISOString();
    // The review and its audit entry commit together (issue 19).
    const closed = await this.d.store.transaction(async (tx) => {
      const done = await tx.reports.review(id, input.status, input.action ?? null, actor.id, now);
      if (done) {
        await writeAudit(tx, now, {
          actorId: actor.id,
          action: input.status === 'resolved' ? 'report_resolved' : 'report_dismissed',
          targetUserId: row.reported_user_id,
          targetMessageId: row.message_id,
          roomId: row.room_id,
          reason: input.action ?? null,
          details: { report_id: id },
        });
      }
      return done;
    });
    if (!closed) throw new DomainError('report_closed', `This report was already ${row.status}.`);
    return (await this.present([closed], actor, { reviewer: true }))[0]!;
  }

  /** Server admins review every report; a room's owner and admins review the reports of their room. */
  private async canReview(actor: Actor, r: ReportRow): Promise<boolean> {
    if (actor.isAdmin) return true;
    if (r.room_id === null) return false;
    const m = await this.d.store.members.get(r.room_id, actor.id);
    return m !== undefined && (m.role === 'owner' || m.role === 'admin');
  }

  private async present(rows: ReportRow[], actor: Actor, opts: { reviewer: boolean }): Promise<ReportView[]> {
    const filings = await this.d.store.reports.filings(
      rows.map((r) => r.id),
      opts.reviewer ? undefined : actor.id,
    );
    const userIds = new Set<string>();
    for (const r of rows) {
      userIds.add(r.reported_user_id);
      if (r.reviewed_by) userIds.add(r.reviewed_by);
      if (r.snapshot) userIds.add(r.snapshot.sender_id);
    }
    for (const f of filings) userIds.add(f.reporter_id);
    const users = new Map((await this.d.store.users.findByIds([...userIds])).map((u) => [u.id, u]));
    const summary = (id: string) => {
      const u: UserRow | undefined = users.get(id);
      return u ? toSummary(u) : hiddenSummary(id);
    };
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      room_id: r.room_id,
      reported_user: summary(r.reported_user_id),
      message: r.snapshot && {
        id: r.snapshot.id,
        room_id: r.snapshot.room_id,
        sender: summary(r.snapshot.sender_id),
        content: r.snapshot.content,
        attachment_ids: r.snapshot.attachment_ids,
        created_at: r.snapshot.created_at,
        edited_at: r.snapshot.edited_at,
      },
      report_count: r.report_count,
      filings: filings
        .filter((f) => f.report_id === r.id)
        .map((f) => ({ reporter: summary(f.reporter_id), reason: f.reason, created_at: f.created_at })),
      action: r.action,
      reviewed_by: r.reviewed_by ? summary(r.reviewed_by) : null,
      reviewed_at: r.reviewed_at,
      created_at: r.created_at,
      updated_at: r.updated_at,
    }));
  }
}
