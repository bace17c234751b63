import { useEffect, useId, useState } from 'react';
import { addMember, searchUsers } from '../../state/admin-actions.ts';
import { errorText } from '../../state/actions.ts';
import { useStore } from '../../state/store.ts';
import type { User } from '../../state/types.ts';
import { Avatar } from '../common.tsx';
import { useAction } from './useAction.ts';

/** Admins add someone by username or display name (they get a notification and the room). */
export function AddMember({ roomId }: { roomId: string }) {
  const id = useId();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<User[]>([]);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const members = useStore((s) => s.members[roomId]);

  useEffect(() => {
    const term = q.trim();
    if (!term) {
      setFound([]);
      return;
    }
    let current = true;
    const t = setTimeout(() => {
      searchUsers(term).then(
        (items) => current && (setFound(items), setSearchError(null)),
        (err) => current && setSearchError(errorText(err)),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(t);
    };
  }, [q]);

  return (
    <section className="admin-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Add people</h3>
      <label htmlFor={`${id}-q`} className="sr-only">
        Username or name to add
      </label>
      <input
        id={`${id}-q`}
        type="search"
        placeholder="Username or name"
        value={q}
        onChange={(e) => (setQ(e.target.value), setAdded(null))}
        autoComplete="off"
        aria-describedby={`${id}-status`}
      />
      <p id={`${id}-status`} className="muted small-text" role="status">
        {added ? `${added} was added.` : q.trim() && found.length === 0 && !searchError ? 'Nobody found.' : ''}
      </p>
      {searchError && (
        <p className="error" role="alert">
          {searchError}
        </p>
      )}
      {found.length > 0 && (
        <ul className="people-results" aria-label="People found">
          {found.map((u) => (
            <Candidate
              key={u.id}
              roomId={roomId}
              user={u}
              member={members?.some((m) => m.user.id === u.id) ?? false}
              onAdded={() => (setAdded(u.display_name), setQ(''))}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function Candidate({ roomId, user: u, member, onAdded }: { roomId: string; user: User; member: boolean; onAdded: () => void }) {
  const { busy, error, run } = useAction();
  return (
    <li>
      <div className="person">
        <Avatar user={u} size={28} />
        <span className="member-names">
          <span className="ellipsis">{u.display_name}</span>
          {u.username && <span className="ellipsis muted member-username">@{u.username}</span>}
        </span>
        {member ? (
          <span className="muted small-text">Member</span>
        ) : (
          <button
            type="button"
            className="secondary small"
            disabled={busy}
            aria-label={`Add ${u.display_name}`}
            onClick={() => void run(() => addMember(roomId, u.id)).then((ok) => ok && onAdded())}
          >
            {busy ? 'Adding…' : 'Add'}
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
