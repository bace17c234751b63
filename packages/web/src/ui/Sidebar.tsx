import { memo, useMemo } from 'react';
import { navigate, roomPath } from '../lib/router.ts';
import { logout, logoutEverywhere } from '../state/actions.ts';
import { listedRooms, roomName } from '../state/selectors.ts';
import { useStore } from '../state/store.ts';
import type { Room } from '../state/types.ts';
import { ui, useUi } from '../state/ui.ts';
import { Avatar, Badge, PresenceDot } from './common.tsx';
import { Menu } from './Menu.tsx';

/** My rooms by last message, with unread and mention badges; the way to every other screen. */
export function Sidebar({ activeRoomId }: { activeRoomId: string | null }) {
  const rooms = useStore((s) => s.rooms);
  const loaded = useStore((s) => s.roomsLoaded);
  const sorted = useMemo(() => listedRooms(rooms), [rooms]);
  const me = useStore((s) => s.me);
  const notifications = useStore((s) => s.notifications.unread);
  const open = useUi((u) => u.drawerOpen);

  return (
    <aside className={`sidebar ${open ? 'open' : ''}`} aria-label="Sidebar">
      <header className="sidebar-head">
        <span className="brand">Rooms</span>
        <button
          type="button"
          className="icon-button"
          aria-label="Notifications"
          title="Notifications"
          onClick={() => ui.set({ panel: { kind: 'notifications' }, drawerOpen: false })}
        >
          <span aria-hidden="true">🔔</span>
          {notifications > 0 && <span className="dot-count">{notifications > 99 ? '99+' : notifications}</span>}
        </button>
      </header>
      <div className="sidebar-actions">
        <button type="button" className="secondary" onClick={() => ui.set({ dialog: 'switcher' })} aria-keyshortcuts="Control+K">
          Find a room or person…
        </button>
        <div className="row">
          <button type="button" className="secondary grow" onClick={() => ui.set({ dialog: 'browse' })}>
            Browse
          </button>
          <button type="button" className="secondary grow" onClick={() => ui.set({ dialog: 'create-room' })}>
            New room
          </button>
        </div>
      </div>
      <nav aria-label="Rooms" className="room-list">
        {loaded && sorted.length === 0 && <p className="muted empty">No rooms yet. Browse public rooms or create one.</p>}
        {chunks(sorted).map((chunk) => (
          <ul key={chunk[0]!.id} className="room-chunk" style={{ '--rows': chunk.length } as React.CSSProperties}>
            {chunk.map((r) => (
              <RoomLink key={r.id} room={r} active={r.id === activeRoomId} />
            ))}
          </ul>
        ))}
      </nav>
      {me && (
        <footer className="sidebar-foot">
          <button
            type="button"
            className="me-button"
            onClick={() => ui.set({ panel: { kind: 'me' }, drawerOpen: false })}
            aria-label={`Settings: ${me.display_name}`}
            title="Settings"
          >
            <Avatar user={me} size={28} />
            <span className="ellipsis">{me.display_name}</span>
            <PresenceDot userId={me.id} />
          </button>
          <ThemeToggle />
          <Menu label="Account menu" icon="⋯">
            <button type="button" role="menuitem" onClick={() => ui.set({ dialog: 'shortcuts' })}>
              Keyboard shortcuts
            </button>
            <button type="button" role="menuitem" onClick={logout}>
              Log out
            </button>
            <button type="button" role="menuitem" onClick={() => void logoutEverywhere()}>
              Log out everywhere
            </button>
          </Menu>
        </footer>
      )}
    </aside>
  );
}

/**
 * Rooms in runs of CHUNK, each run a list the browser skips (layout and paint) while it is out of
 * view. One skippable box per link was as cheap to lay out, but Chromium tracks each such box with
 * an intersection observer that runs every frame: with a thousand rooms that was 11 % of the page's
 * main thread while the timeline scrolled (bench:ui trace), in a list that was not even moving.
 */
const CHUNK = 50;
function chunks(rooms: Room[]): Room[][] {
  const out: Room[][] = [];
  for (let i = 0; i < rooms.length; i += CHUNK) out.push(rooms.slice(i, i + CHUNK));
  return out;
}

// Memoised: a route change re-renders the sidebar, and with a thousand rooms every link re-rendered.
const RoomLink = memo(function RoomLink({ room, active }: { room: Room; active: boolean }) {
  const name = useStore((s) => roomName(s, room));
  const mentions = useStore((s) => s.notifications.unreadByRoom[room.id] ?? 0);
  const unread = room.unread_count;
  const label = `${name}${unread ? `, ${unread} unread` : ''}${mentions ? `, ${mentions} mentions` : ''}`;
  return (
    <li>
      <a
        href={roomPath(room.id)}
        className={`room-link ${active ? 'active' : ''} ${unread ? 'has-unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-label={label}
        onClick={(e) => {
          e.preventDefault();
          ui.set({ drawerOpen: false });
          navigate(roomPath(room.id));
        }}
      >
        {room.type === 'direct' && room.peer ? (
          <span className="room-icon">
            <Avatar user={room.peer} size={24} />
            <PresenceDot userId={room.peer.id} />
          </span>
        ) : (
          <span className="room-icon hash" aria-hidden="true">
            {room.type === 'private' ? '🔒' : '#'}
          </span>
        )}
        <span className="room-name ellipsis">{name}</span>
        <Badge count={mentions} kind="mention" label={`${mentions} mentions`} />
        <Badge count={unread} kind="unread" label={`${unread} unread`} />
      </a>
    </li>
  );
});

function ThemeToggle() {
  const theme = useUi((u) => u.theme);
  const next = theme === 'system' ? 'dark' : theme === 'dark' ? 'light' : 'system';
  const icon = theme === 'dark' ? '🌙' : theme === 'light' ? '☀️' : '🖥️';
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={`Theme: ${theme}. Switch to ${next}`}
      title={`Theme: ${theme}`}
      onClick={() => ui.set({ theme: next })}
    >
      <span aria-hidden="true">{icon}</span>
    </button>
  );
}
