import { useSyncExternalStore } from 'react';

/** What the side panel shows (one at a time; full screen on a phone). */
export type Panel =
  | { kind: 'thread'; messageId: string }
  | { kind: 'profile'; userId: string }
  | { kind: 'members'; roomId: string }
  | { kind: 'pins'; roomId: string }
  | { kind: 'room-settings'; roomId: string }
  | { kind: 'notifications' }
  | { kind: 'me' }
  | { kind: 'search' }
  | { kind: 'reports' };

export type Dialog = 'create-room' | 'browse' | 'switcher' | 'shortcuts' | null;

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface UiState {
  panel: Panel | null;
  dialog: Dialog;
  drawerOpen: boolean;
  theme: ThemeChoice;
  /** A message being edited in the composer of its room. */
  editing: { roomId: string; messageId: string } | null;
  toast: string | null;
}

const THEME_KEY = 'rooms.theme';

let state: UiState = {
  panel: null,
  dialog: null,
  drawerOpen: false,
  theme: (localStorage.getItem(THEME_KEY) as ThemeChoice | null) ?? 'system',
  editing: null,
  toast: null,
};
const listeners = new Set<() => void>();

/** UI-only state (panels, dialogs, theme), apart from the data store so data reducers stay pure. */
export const ui = {
  get: () => state,
  set(patch: Partial<UiState>): void {
    state = { ...state, ...patch };
    if (patch.theme) localStorage.setItem(THEME_KEY, patch.theme);
    for (const l of listeners) l();
  },
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

let toastTimer: ReturnType<typeof setTimeout> | undefined;
export function toast(text: string): void {
  ui.set({ toast: text });
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => ui.set({ toast: null }), 5000);
}

export function useUi<T>(select: (s: UiState) => T): T {
  return useSyncExternalStore(ui.subscribe, () => select(state));
}
