import { type FormEvent, useState } from 'react';
import { ROOM_LIMITS } from '@rooms/protocol';
import { client } from '../../lib/sdk.ts';
import { errorText } from '../../state/actions.ts';
import { toast } from '../../state/ui.ts';

/** "Report message" (SPEC 8): asks why, then files the report for the room's admins to review. */
export function ReportButton({ messageId }: { messageId: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button type="button" className="icon-button small" aria-label="Report message" title="Report message" onClick={() => setOpen(true)}>
        <span aria-hidden="true">🚩</span>
      </button>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await client.reports.create({ message_id: messageId, reason: reason.trim() });
      setOpen(false);
      setReason('');
      toast('Reported: the room’s admins will review it.');
    } catch (err) {
      toast(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="confirm" aria-label="Report this message" onSubmit={(e) => void submit(e)}>
      <input
        aria-label="Why are you reporting it?"
        placeholder="Why?"
        value={reason}
        maxLength={ROOM_LIMITS.reportReason.max}
        onChange={(e) => setReason(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        autoFocus
        required
      />
      <button type="submit" className="danger small" disabled={busy || reason.trim() === ''}>
        Report
      </button>
      <button type="button" className="small" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
