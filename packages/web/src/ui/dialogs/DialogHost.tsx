import { lazy, Suspense, useEffect, useRef } from 'react';
import { type Dialog, ui, useUi } from '../../state/ui.ts';

const loaders = {
  create: () => import('./CreateRoomDialog.tsx'),
  browse: () => import('./BrowseDialog.tsx'),
  switcher: () => import('./QuickSwitcher.tsx'),
  shortcuts: () => import('./ShortcutsDialog.tsx'),
};
const CreateRoomDialog = lazy(loaders.create);
const BrowseDialog = lazy(loaders.browse);
const QuickSwitcher = lazy(loaders.switcher);
const ShortcutsDialog = lazy(loaders.shortcuts);

/**
 * Fetches the dialogs' code once the app is idle (not part of the first load), so that keys typed
 * right after Ctrl+K reach the switcher instead of a dialog still loading.
 */
export function preloadDialogs(): void {
  for (const load of Object.values(loaders)) void load().catch(() => {});
}

const TITLES: Record<Exclude<Dialog, null>, string> = {
  'create-room': 'Create a room',
  browse: 'Browse rooms',
  switcher: 'Go to a room or person',
  shortcuts: 'Keyboard shortcuts',
};

/** Modal dialogs on the native <dialog> (focus trap, Esc and the backdrop for free). */
export function DialogHost() {
  const dialog = useUi((u) => u.dialog);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (dialog && !el.open) el.showModal();
    if (!dialog && el.open) el.close();
  }, [dialog]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label={dialog ? TITLES[dialog] : undefined}
      onClose={() => ui.set({ dialog: null })}
      onClick={(e) => e.target === ref.current && ui.set({ dialog: null })}
    >
      {dialog && (
        <div className="dialog-inner">
          <header className="panel-head">
            <h2>{TITLES[dialog]}</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={() => ui.set({ dialog: null })}>
              <span aria-hidden="true">✕</span>
            </button>
          </header>
          <Suspense fallback={<p className="muted">Loading…</p>}>
            {dialog === 'create-room' && <CreateRoomDialog />}
            {dialog === 'browse' && <BrowseDialog />}
            {dialog === 'switcher' && <QuickSwitcher />}
            {dialog === 'shortcuts' && <ShortcutsDialog />}
          </Suspense>
        </div>
      )}
    </dialog>
  );
}
