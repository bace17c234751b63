import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { LIMITS } from '@rooms/protocol';
import { navigate, roomPath } from '../../lib/router.ts';
import { errorText, openDirect } from '../../state/actions.ts';
import { searchPeople } from '../../state/people-actions.ts';
import { roomName, sortedRooms } from '../../state/selectors.ts';
import { useStore } from '../../state/store.ts';
import type { Room, User } from '../../state/types.ts';
import { ui } from '../../state/ui.ts';
import { PresenceDot } from '../common.tsx';
import { ProfileAvatar } from '../people/ProfileAvatar.tsx';

type Option = { kind: 'room'; room: Room; name: string } | { kind: 'person'; user: User };

const MAX_ROOMS = 8;
const DEBOUNCE_MS = 200;

/** Ctrl/Cmd+K: type part of a room's or a person's name, arrows to pick, Enter to go. */
export default function QuickSwitcher() {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const people = usePeopleSearch(query);
  const rooms = useStore((s) => s.rooms);
  const users = useStore((s) => s.users);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    // After the <dialog> has opened (it focuses its first button itself).
    const t = requestAnimationFrame(() => input.current?.focus());
    return () => cancelAnimationFrame(t);
  }, []);

  const options = useMemo<Option[]>(() => {
    const q = query.trim().toLowerCase();
    const named = sortedRooms(rooms).map((room) => ({ kind: 'room' as const, room, name: roomName({ users }, room) }));
    const matching = q ? named.filter((o) => o.name.toLowerCase().includes(q)) : named;
    // A person whose direct room is already listed is not listed twice.
    const listedPeers = new Set(matching.map((o) => o.room.peer?.id).filter(Boolean));
    const persons = q ? people.items.filter((u) => !listedPeers.has(u.id)).map((user) => ({ kind: 'person' as const, user })) : [];
    return [...matching.slice(0, MAX_ROOMS), ...persons];
  }, [query, rooms, users, people.items]);

  useEffect(() => setActive(0), [query]);
  const current = Math.min(active, options.length - 1);

  async function choose(o: Option) {
    setError(null);
    try {
      const room = o.kind === 'room' ? o.room : await openDirect(o.user.id);
      ui.set({ dialog: null, drawerOpen: false });
      navigate(roomPath(room.id));
    } catch (err) {
      setError(errorText(err));
    }
  }

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (options.length) setActive((current + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const o = options[current];
      if (o) void choose(o);
    }
  }

  const optionId = (i: number) => `${id}-opt-${i}`;
  const status = people.loading ? 'Searching people…' : query.trim() && options.length === 0 ? 'No room or person found.' : '';
  return (
    <div className="switcher">
      <label htmlFor={`${id}-input`} className="sr-only">
        Room or person
      </label>
      <input
        ref={input}
        id={`${id}-input`}
        className="switcher-input"
        role="combobox"
        aria-expanded={options.length > 0}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={options.length ? optionId(current) : undefined}
        placeholder="Type a room or a person’s name"
        autoComplete="off"
        spellCheck={false}
        maxLength={LIMITS.searchQuery.max}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <ul id={`${id}-list`} className="switcher-list" role="listbox" aria-label="Rooms and people">
        {options.map((o, i) => (
          <li
            key={o.kind === 'room' ? `r${o.room.id}` : `u${o.user.id}`}
            id={optionId(i)}
            role="option"
            aria-selected={i === current}
            className={`switcher-option ${i === current ? 'active' : ''}`}
            onMouseMove={() => i !== current && setActive(i)}
            onClick={() => void choose(o)}
          >
            {o.kind === 'room' ? <RoomOption room={o.room} name={o.name} /> : <PersonOption user={o.user} />}
          </li>
        ))}
      </ul>
      <p className="muted switcher-status" role="status">
        {status}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p className="muted small-print switcher-hint">
        <kbd>↑</kbd> <kbd>↓</kbd> to move, <kbd>Enter</kbd> to open, <kbd>Esc</kbd> to close
      </p>
    </div>
  );
}

function RoomOption({ room, name }: { room: Room; name: string }) {
  const unread = room.unread_count;
  return (
    <>
      {room.type === 'direct' && room.peer ? (
        <span className="room-icon">
          <ProfileAvatar user={room.peer} size={24} />
          <PresenceDot userId={room.peer.id} />
        </span>
      ) : (
        <span className="room-icon hash" aria-hidden="true">
          {room.type === 'private' ? '🔒' : '#'}
        </span>
      )}
      <span className="ellipsis grow">{name}</span>
      <span className="switcher-kind muted">{room.type === 'direct' ? 'Direct message' : 'Room'}</span>
      {unread > 0 && <span className="badge badge-unread">{unread > 99 ? '99+' : unread}</span>}
    </>
  );
}

function PersonOption({ user }: { user: User }) {
  return (
    <>
      <span className="room-icon">
        <ProfileAvatar user={user} size={24} />
        <PresenceDot userId={user.id} />
      </span>
      <span className="ellipsis grow">
        {user.display_name} {user.username && <span className="muted">@{user.username}</span>}
      </span>
      <span className="switcher-kind muted">Person</span>
    </>
  );
}

/** People whose name starts with the query, asked for once typing pauses; late answers are dropped. */
function usePeopleSearch(query: string): { items: User[]; loading: boolean } {
  const [result, setResult] = useState<{ q: string; items: User[] }>({ q: '', items: [] });
  const q = query.trim();
  useEffect(() => {
    if (!q) return;
    let stale = false;
    const t = setTimeout(() => {
      searchPeople(q).then(
        (items) => !stale && setResult({ q, items }),
        () => !stale && setResult({ q, items: [] }),
      );
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [q]);
  // Results of an earlier query are kept while the next one is on its way, so the list does not flicker.
  return { items: q ? result.items : [], loading: q !== '' && result.q !== q };
}
