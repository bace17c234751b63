import { lazy, Suspense, useState } from 'react';

// The picker and its data are a separate chunk, loaded the first time a picker opens.
const EmojiPicker = lazy(() => import('./EmojiPicker.tsx'));

/** A button that opens the emoji picker; the chosen emoji goes to onPick. */
export function EmojiButton({ label, onPick, icon = '🙂' }: { label: string; onPick: (emoji: string) => void; icon?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <span className="emoji-anchor">
      <button
        type="button"
        className="icon-button small"
        aria-label={label}
        title={label}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">{icon}</span>
      </button>
      {open && (
        <Suspense fallback={<div className="emoji-picker loading">Loading emoji…</div>}>
          <EmojiPicker
            onPick={(e) => {
              setOpen(false);
              onPick(e);
            }}
            onClose={() => setOpen(false)}
          />
        </Suspense>
      )}
    </span>
  );
}
