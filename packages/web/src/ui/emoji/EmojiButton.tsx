import { lazy, Suspense, useState } from 'react';
import { loadEmoji } from '../../lib/emoji-data.ts';

// The picker and its data are a separate chunk, loaded the first time a picker opens.
const loadPicker = () => import('./EmojiPicker.tsx');
const EmojiPicker = lazy(loadPicker);

/**
 * The picker's code and the emoji data, asked for together as soon as the pointer or focus comes
 * to a button that opens it: by the click they are on their way or there, not fetched one after
 * the other once the picker has mounted (both promises are kept, so this is done once).
 */
const prefetch = () => {
  void loadPicker();
  void loadEmoji();
};

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
        onPointerEnter={prefetch}
        onFocus={prefetch}
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
