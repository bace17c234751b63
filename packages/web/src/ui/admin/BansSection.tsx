import { useCallback, useEffect, useId, useState } from 'react';
import { type Ban, listBans, unban } from '../../state/admin-actions.ts';
import { errorText } from '../../state/actions.ts';
import { Avatar } from '../common.tsx';
import { formatShort } from './time.ts';
import { useAction } from './useAction.ts';

/** Banned users of the room (admins): who, why, when, and unban. Read when first opened. */
export function BansSection({ roomId, memberCount }: { roomId: string; memberCount: number }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [bans, setBans] = useState<Ban[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    listBans(roomId).then(
      (items) => (setBans(items), setError(null)),
      (err) => setError(errorText(err)),
    );
  }, [roomId]);

  // A ban made in the list above removes a member: read the bans again when the count drops.
  useEffect(() => {
    if (open) load();
  }, [open, load, memberCount]);

  return (
    <section className="admin-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        <button type="button" className="section-toggle" aria-expanded={open} aria-controls={`${id}-body`} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> Banned users{bans && open ? ` · ${bans.length}` : ''}
        </button>
      </h3>
      {open && (
        <div id={`${id}-body`}>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {!bans && !error && <p className="muted">Loading…</p>}
          {bans?.length === 0 && <p className="muted">Nobody is banned.</p>}
          {bans && bans.length > 0 && (
            <ul className="ban-list">
              {bans.map((b) => (
                <BanItem
                  key={b.user.id}
                  roomId={roomId}
                  ban={b}
                  onUnbanned={() => setBans((list) => list?.filter((x) => x.user.id !== b.user.id) ?? null)}
                />
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function BanItem({ roomId, ban: b, onUnbanned }: { roomId: string; ban: Ban; onUnbanned: () => void }) {
  const { busy, error, run } = useAction();
  return (
    <li className="ban">
      <div className="person">
        <Avatar user={b.user} size={28} />
        <span className="member-names">
          <span className="ellipsis">{b.user.display_name}</span>
          <span className="muted small-text">Banned {formatShort(b.created_at)}</span>
        </span>
        <button
          type="button"
          className="secondary small"
          disabled={busy}
          aria-label={`Unban ${b.user.display_name}`}
          onClick={() => void run(() => unban(roomId, b.user.id)).then((ok) => ok && onUnbanned())}
        >
          Unban
        </button>
      </div>
      {b.reason && <p className="ban-reason">“{b.reason}”</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
