import { useCallback, useEffect, useState } from 'react';
import type { Report } from '@rooms/client';
import { ROOM_LIMITS } from '@rooms/protocol';
import { client } from '../../lib/sdk.ts';
import { errorText } from '../../state/actions.ts';
import { formatShort } from '../admin/time.ts';
import { useAction } from '../admin/useAction.ts';

/**
 * Reports (SPEC 8): the open ones I may review (a room's admins: their rooms; server admins: all),
 * each with the reported message as it was first reported, and the reports I filed with their outcome.
 */
export default function ReportsPanel() {
  const [queue, setQueue] = useState<Report[] | null>(null);
  const [mine, setMine] = useState<Report[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    Promise.all([client.reports.list({ scope: 'review', status: 'open' }), client.reports.list({ scope: 'mine' })]).then(
      ([q, m]) => (setQueue(q.items), setMine(m.items), setError(null)),
      (err) => setError(errorText(err)),
    );
  }, []);
  useEffect(load, [load]);

  return (
    <div className="admin-panel reports-panel">
      {error && (
        <p className="error pad" role="alert">
          {error}
        </p>
      )}
      <section aria-label="To review" className="pad">
        <h3>To review</h3>
        {queue === null && !error && <p className="muted">Loading reports…</p>}
        {queue?.length === 0 && <p className="muted">Nothing to review.</p>}
        <ul className="plain-list">
          {queue?.map((r) => (
            <ReportItem key={r.id} report={r} onReviewed={load} reviewer />
          ))}
        </ul>
      </section>
      <section aria-label="My reports" className="pad">
        <h3>My reports</h3>
        {mine?.length === 0 && <p className="muted">You have not reported anything.</p>}
        <ul className="plain-list">
          {mine?.map((r) => (
            <ReportItem key={r.id} report={r} onReviewed={load} />
          ))}
        </ul>
      </section>
    </div>
  );
}

function ReportItem({ report: r, reviewer = false, onReviewed }: { report: Report; reviewer?: boolean; onReviewed: () => void }) {
  const [action, setAction] = useState('');
  const { busy, error, run } = useAction();
  const review = (status: 'resolved' | 'dismissed') =>
    void run(() =>
      client.reports.review(
        r.id,
        status === 'resolved' ? { status, action: action.trim() } : { status, ...(action.trim() ? { action: action.trim() } : {}) },
      ),
    ).then((ok) => ok && onReviewed());
  const what = r.kind === 'message' ? `Message by ${r.reported_user.display_name}` : `User ${r.reported_user.display_name}`;
  return (
    <li className="report" aria-label={`${what}, ${r.status}`}>
      <p>
        <strong>{what}</strong>{' '}
        <span className="muted">
          · {r.report_count === 1 ? '1 report' : `${r.report_count} reports`} · {formatShort(r.created_at)}
        </span>
      </p>
      {/* The evidence is text as the sender typed it: React escapes it, it is never rendered as markup. */}
      {r.message && <blockquote className="report-evidence">{r.message.content}</blockquote>}
      <ul className="plain-list small-text">
        {r.filings.map((f) => (
          <li key={f.reporter.id}>
            {f.reporter.display_name}: {f.reason}
          </li>
        ))}
      </ul>
      {r.status === 'open' ? (
        reviewer && (
          <div className="row">
            <input
              aria-label="Action taken"
              placeholder="Action taken"
              value={action}
              maxLength={ROOM_LIMITS.reportReason.max}
              onChange={(e) => setAction(e.target.value)}
            />
            <button type="button" className="primary small" disabled={busy || action.trim() === ''} onClick={() => review('resolved')}>
              Resolve
            </button>
            <button type="button" className="secondary small" disabled={busy} onClick={() => review('dismissed')}>
              Dismiss
            </button>
          </div>
        )
      ) : (
        <p className="small-text">
          {r.status === 'resolved' ? 'Resolved' : 'Dismissed'}
          {r.action ? `: ${r.action}` : ''}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
