import { useSyncExternalStore } from 'react';

/** The app's routes: a room, a message in a room (deep link), an invite, or the home screen. */
export type Route =
  { name: 'home' } | { name: 'room'; roomId: string; messageId: string | null } | { name: 'invite'; code: string } | { name: 'signup' };

export function parse(path: string): Route {
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts[0] === 'r' && parts[1]) return { name: 'room', roomId: parts[1], messageId: parts[2] === 'm' && parts[3] ? parts[3] : null };
  if (parts[0] === 'invite' && parts[1]) return { name: 'invite', code: parts[1] };
  if (parts[0] === 'signup') return { name: 'signup' };
  return { name: 'home' };
}

export const roomPath = (roomId: string, messageId?: string | null) =>
  `/r/${encodeURIComponent(roomId)}${messageId ? `/m/${encodeURIComponent(messageId)}` : ''}`;

const listeners = new Set<() => void>();
let current = location.pathname;

function changed(): void {
  current = location.pathname;
  for (const l of listeners) l();
}
addEventListener('popstate', () => {
  historyQueue.length = 0;
  changed();
});

/**
 * Shows `path` now and records it in the history after the next paint: Chromium's pushState is a
 * synchronous round trip to the browser process (5-15 ms in bench:ui's room switches), and the
 * user is waiting for the room, not for the address bar.
 */
export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (path === current) return;
  current = path;
  for (const l of listeners) l();
  historyQueue.push({ path, replace: !!opts.replace });
  if (historyQueue.length === 1) requestAnimationFrame(() => setTimeout(flushHistory));
}

const historyQueue: { path: string; replace: boolean }[] = [];
function flushHistory(): void {
  for (const { path, replace } of historyQueue.splice(0)) {
    if (path === location.pathname) continue;
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
}

export function usePath(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

/** The path the app shows (location.pathname catches up after the next paint: see navigate). */
export const currentPath = (): string => current;
