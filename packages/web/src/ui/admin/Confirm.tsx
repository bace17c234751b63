import { useState } from 'react';
import { useAction } from './useAction.ts';

/**
 * A button whose action needs a second, explicit click: the question and the confirming button
 * replace it (focus moves to the confirmation, Esc or Cancel goes back). Refusals show beside it.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  danger = false,
  className = 'secondary small',
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  danger?: boolean;
  className?: string;
}) {
  const [asking, setAsking] = useState(false);
  const { busy, error, run } = useAction();
  if (!asking) {
    return (
      <button type="button" className={`${className} ${danger ? 'danger-text' : ''}`} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div
      className="confirm-box"
      role="group"
      aria-label={question}
      onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), setAsking(false))}
    >
      <p className="confirm-question">{question}</p>
      <div className="row wrap">
        <button
          type="button"
          className={danger ? 'danger small' : 'primary small'}
          disabled={busy}
          autoFocus
          onClick={() => void run(onConfirm).then((ok) => ok && setAsking(false))}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button type="button" className="secondary small" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
