import { navigate, roomPath } from '../lib/router.ts';
import { markRead } from '../state/actions.ts';
import { sortedRooms } from '../state/selectors.ts';
import { store } from '../state/store.ts';
import { ui } from '../state/ui.ts';
import { preloadSearch } from './panels/PanelHost.tsx';

const typingIn = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

/** App-wide shortcuts (listed in the `?` overlay). */
export function installShortcuts(currentRoom: () => string | null): () => void {
  const onKey = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      ui.set({ dialog: 'switcher' });
      return;
    }
    // Ctrl/Cmd+F searches the messages (the browser's find still has F3); `/` stays the composer's.
    if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'f' && !ui.get().dialog) {
      e.preventDefault();
      openSearch();
      return;
    }
    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      e.preventDefault();
      const rooms = sortedRooms(store.get().rooms);
      const i = rooms.findIndex((r) => r.id === currentRoom());
      let target;
      if (e.shiftKey)
        target =
          e.key === 'ArrowDown'
            ? [...rooms.slice(i + 1), ...rooms.slice(0, i + 1)].find((r) => r.unread_count > 0 && r.id !== currentRoom())
            : undefined;
      else target = rooms[(i + (e.key === 'ArrowDown' ? 1 : rooms.length - 1)) % rooms.length];
      if (target) navigate(roomPath(target.id));
      return;
    }
    if (e.key === 'Escape' && !e.defaultPrevented) {
      if (ui.get().dialog) return;
      if (ui.get().drawerOpen) return ui.set({ drawerOpen: false });
      if (ui.get().panel) return ui.set({ panel: null });
      const room = currentRoom();
      if (room) void markRead(room).catch(() => {});
      return;
    }
    if (typingIn(e.target) || mod || e.altKey) return;
    if (e.key === '?') {
      e.preventDefault();
      ui.set({ dialog: 'shortcuts' });
    } else if (e.key === '/') {
      e.preventDefault();
      // The room shown, not one kept mounted behind it (App.tsx).
      document.querySelector<HTMLTextAreaElement>('.room:not(.kept) .composer-input')?.focus();
    }
  };
  addEventListener('keydown', onKey);
  // The search panel's code is fetched once the app is idle, so what is typed right after Ctrl/Cmd+F
  // reaches its box rather than the element that had the focus while it loaded.
  const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 1500));
  idle(preloadSearch);
  return () => removeEventListener('keydown', onKey);
}

/** Opens the search panel, or puts the caret back in its box when it is open. */
export function openSearch(): void {
  if (ui.get().panel?.kind === 'search') {
    const box = document.querySelector<HTMLInputElement>('.search-input');
    box?.focus();
    box?.select();
    return;
  }
  ui.set({ panel: { kind: 'search' }, drawerOpen: false });
}
