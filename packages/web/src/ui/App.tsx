import { useEffect, useLayoutEffect, useState } from 'react';
import { currentPath, navigate, parse, roomPath, usePath } from '../lib/router.ts';
import { client } from '../lib/sdk.ts';
import { errorText, putRoom, restoreSession } from '../state/actions.ts';
import { listedRooms } from '../state/selectors.ts';
import { store, useStore } from '../state/store.ts';
import { toast, ui, useUi } from '../state/ui.ts';
import { InviteScreen } from './admin/InviteScreen.tsx';
import { AuthScreen } from './AuthScreen.tsx';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { DialogHost, preloadDialogs } from './dialogs/DialogHost.tsx';
import { installShortcuts } from './keyboard.ts';
import { PanelHost } from './panels/PanelHost.tsx';
import { RoomView } from './room/RoomView.tsx';
import { Sidebar } from './Sidebar.tsx';

const dark = matchMedia('(prefers-color-scheme: dark)');

/** Light or dark: the saved choice, or the system's. */
function useTheme() {
  const choice = useUi((u) => u.theme);
  useLayoutEffect(() => {
    const apply = () => (document.documentElement.dataset.theme = choice === 'system' ? (dark.matches ? 'dark' : 'light') : choice);
    apply();
    dark.addEventListener('change', apply);
    return () => dark.removeEventListener('change', apply);
  }, [choice]);
}

export function App() {
  useTheme();
  const auth = useStore((s) => s.auth);
  const route = parse(usePath());

  useEffect(() => {
    void restoreSession();
  }, []);

  if (auth === 'loading') return <p className="splash">Loading…</p>;
  if (auth === 'signed-out') return <AuthScreen route={route} />;
  return <Shell />;
}

function Shell() {
  const route = parse(usePath());
  const roomId = route.name === 'room' ? route.roomId : null;
  const rooms = useStore((s) => s.rooms);
  const loaded = useStore((s) => s.roomsLoaded);
  const panel = useUi((u) => u.panel);
  const drawer = useUi((u) => u.drawerOpen);
  const toastText = useUi((u) => u.toast);

  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 1500));
    idle(() => preloadDialogs());
  }, []);

  useEffect(
    () => installShortcuts(() => (parse(currentPath()).name === 'room' ? (parse(currentPath()) as { roomId: string }).roomId : null)),
    [],
  );

  // Home: open the most recent room.
  useEffect(() => {
    if (route.name === 'home' && loaded) {
      const first = listedRooms(store.get().rooms)[0];
      if (first) navigate(roomPath(first.id), { replace: true });
    }
  }, [route.name, loaded]);

  const known = roomId ? rooms[roomId] : undefined;
  const kept = useKeptRooms(known ? roomId : null, rooms);
  const focusId = route.name === 'room' ? route.messageId : null;
  return (
    <div className={`shell ${panel ? 'with-panel' : ''} ${drawer ? 'drawer-open' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to the conversation
      </a>
      <Sidebar activeRoomId={roomId} />
      {drawer && <div className="scrim" onClick={() => ui.set({ drawerOpen: false })} aria-hidden="true" />}
      <main id="main" className="main">
        {kept.rooms.length > 0 && (
          <div className={`rooms ${kept.shown ? '' : 'none-shown'}`}>
            {kept.rooms.map((id) => (
              <RoomView
                key={id}
                roomId={id}
                shown={id === kept.shown}
                visit={kept.visits[id]!}
                focusId={id === kept.shown ? focusId : null}
              />
            ))}
          </div>
        )}
        {route.name === 'invite' ? (
          <InviteScreen code={route.code} />
        ) : roomId && known ? null : roomId && loaded ? (
          <NotAMember roomId={roomId} />
        ) : loaded ? (
          <Empty />
        ) : (
          <p className="muted center">Loading your rooms…</p>
        )}
        <ConnectionStatus />
      </main>
      <PanelHost />
      <DialogHost />
      {toastText && (
        <div className="toast" role="alert">
          {toastText}
        </div>
      )}
    </div>
  );
}

/** Rooms kept mounted but hidden besides the one shown (each trimmed to a screenful of messages a while after it is left: Timeline). */
export const KEEP_HIDDEN = 3;

interface Kept {
  /** Mounted rooms, in the order they were first opened (never reordered: moving a node loses its layout). */
  rooms: string[];
  shown: string | null;
  /** Per room, how many times it has been opened: a new visit resets what "opened" means (the new-messages line). */
  visits: Record<string, number>;
  /** Per room, when it was last shown (a counter): the least recent is dropped past KEEP_HIDDEN. */
  used: Record<string, number>;
  clock: number;
}

/**
 * The rooms to keep mounted: the one shown and the KEEP_HIDDEN last shown before it. A room left
 * stays in the page, hidden with `content-visibility: hidden` (styles.css: `.room.kept`), which
 * skips its style, layout and paint but keeps them (display: none, as React's <Activity> hides,
 * throws the layout away: showing the room again laid out every message anew, ~100 ms of a switch
 * at bench:ui's 4x throttle), and with `inert` and `aria-hidden` (out of the tab order and the
 * accessibility tree). Switching back shows it as it was left. The budget: 100 ms from the
 * click to a room already visited painted.
 */
function useKeptRooms(shown: string | null, rooms: Record<string, unknown>): Kept {
  const [kept, setKept] = useState<Kept>({ rooms: [], shown: null, visits: {}, used: {}, clock: 0 });
  const gone = kept.rooms.some((id) => !rooms[id]);
  if (kept.shown !== shown || gone) {
    // Updated while rendering (React's pattern for state derived from props): the switch renders once.
    const clock = kept.clock + 1;
    const used = shown ? { ...kept.used, [shown]: clock } : kept.used;
    let list = kept.rooms.filter((id) => rooms[id]);
    if (shown && !list.includes(shown)) list.push(shown);
    while (list.length > KEEP_HIDDEN + 1) {
      const oldest = list.filter((id) => id !== shown).reduce((a, b) => ((used[a] ?? 0) <= (used[b] ?? 0) ? a : b));
      list = list.filter((id) => id !== oldest);
    }
    const visits = shown && kept.shown !== shown ? { ...kept.visits, [shown]: (kept.visits[shown] ?? 0) + 1 } : kept.visits;
    const next = { rooms: list, shown, visits, used, clock };
    setKept(next);
    return next;
  }
  return kept;
}

function Empty() {
  return (
    <section className="empty-state" aria-label="Welcome">
      <button
        type="button"
        className="icon-button drawer-toggle"
        aria-label="Open the room list"
        onClick={() => ui.set({ drawerOpen: true })}
      >
        ☰
      </button>
      <h2>Welcome to Rooms</h2>
      <p className="muted">Join a public room or create your own to start talking.</p>
      <div className="row">
        <button type="button" className="primary" onClick={() => ui.set({ dialog: 'browse' })}>
          Browse rooms
        </button>
        <button type="button" className="secondary" onClick={() => ui.set({ dialog: 'create-room' })}>
          Create a room
        </button>
      </div>
    </section>
  );
}

/** A link to a room I am not in: a public one can be joined; anything else is "not found". */
function NotAMember({ roomId }: { roomId: string }) {
  return (
    <section className="empty-state" aria-label="Room">
      <h2>You are not in this room</h2>
      <p className="muted">It may be private, or it no longer exists.</p>
      <button
        type="button"
        className="primary"
        onClick={() =>
          void client.rooms.join(roomId).then(
            (room) => putRoom(room),
            (err) => toast(errorText(err)),
          )
        }
      >
        Join if it is public
      </button>
    </section>
  );
}
