import { useEffect, useLayoutEffect } from 'react';
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
  return (
    <div className={`shell ${panel ? 'with-panel' : ''} ${drawer ? 'drawer-open' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to the conversation
      </a>
      <Sidebar activeRoomId={roomId} />
      {drawer && <div className="scrim" onClick={() => ui.set({ drawerOpen: false })} aria-hidden="true" />}
      <main id="main" className="main">
        {route.name === 'invite' ? (
          <InviteScreen code={route.code} />
        ) : roomId && known ? (
          <RoomView key={roomId} roomId={roomId} focusId={route.name === 'room' ? route.messageId : null} />
        ) : roomId && loaded ? (
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
