import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '@rooms/client';
import { client } from '../../lib/sdk.ts';
import { errorText, logout } from '../../state/actions.ts';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What a person recognises of a session: the app's name and the browser or system it ran on. */
const label = (s: SessionInfo) => [s.client, s.device].filter(Boolean).join(' · ') || 'Unknown client';

/**
 * Where my account is signed in (one line per login: client, device, address, when), each with
 * "Sign out": another session ends at once (its token and live connection), this one logs out.
 */
export function SessionList() {
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setSessions(await client.auth.sessions());
    } catch (err) {
      setError(errorText(err));
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function signOut(s: SessionInfo) {
    if (s.current) return logout();
    setBusy(s.id);
    setError(null);
    setDone(null);
    try {
      await client.auth.revokeSession(s.id);
      // The row leaves in the same render as the notice that says it is gone; the reload after
      // refreshes the others (it had come a render after the notice: CI once read 3 rows there).
      setSessions((list) => list && list.filter((x) => x.id !== s.id));
      setDone(`Signed out ${label(s)}.`);
      await load();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      {sessions === null && !error && <p className="muted">Loading your sessions…</p>}
      {sessions && (
        <ul className="session-list" aria-label="Where you are signed in">
          {sessions.map((s) => (
            <li key={s.id} className="session-item">
              <div className="session-text">
                <strong>{label(s)}</strong>
                {s.current && <span className="badge badge-unread">This session</span>}
                <p className="muted small-print">
                  {s.ip ? `${s.ip} · ` : ''}signed in {when(s.created_at)} · last active {when(s.last_used_at)}
                </p>
              </div>
              <button
                type="button"
                className="secondary small"
                disabled={busy !== null}
                aria-label={`Sign out ${label(s)}${s.current ? ' (this session)' : `, last active ${when(s.last_used_at)}`}`}
                onClick={() => void signOut(s)}
              >
                Sign out
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p className="muted" role="status">
          {done}
        </p>
      )}
    </>
  );
}
