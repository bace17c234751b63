import { isRoomsApiError } from '@rooms/client';
import { useEffect, useState } from 'react';
import { navigate, roomPath } from '../../lib/router.ts';
import { client } from '../../lib/sdk.ts';
import { errorText, putRoom } from '../../state/actions.ts';
import { useStore } from '../../state/store.ts';
import { useAction } from './useAction.ts';

type Preview = Awaited<ReturnType<typeof client.invites.preview>>;

/** A dead code (410) can never come back to life: revoked, expired or used up. */
const DEAD = new Set(['invite_revoked', 'invite_expired', 'invite_used_up']);

/**
 * /invite/<code> when signed in: the room's name, size and description, and "Join". A room I am
 * already in just opens. A code that is dead now (used up by my own sign-up, say) still leads me
 * to the room when it let me in before: accepting it again answers with the room and uses nothing,
 * and for anyone it did not let in it is refused, so trying cannot join anyone by surprise.
 */
export function InviteScreen({ code }: { code: string }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rooms = useStore((s) => s.rooms);
  const loaded = useStore((s) => s.roomsLoaded);
  const join = useAction();

  useEffect(() => {
    let current = true;
    setPreview(null);
    setError(null);
    client.invites.preview(code).then(
      (p) => current && setPreview(p),
      async (err) => {
        if (isRoomsApiError(err) && DEAD.has(err.code)) {
          try {
            const { room } = await client.invites.accept(code);
            if (!current) return;
            putRoom(room);
            navigate(roomPath(room.id), { replace: true });
            return;
          } catch {
            // Not a member: the original reason is the one to show.
          }
        }
        if (current) setError(errorText(err));
      },
    );
    return () => {
      current = false;
    };
  }, [code]);

  const member = preview && rooms[preview.room.id];
  useEffect(() => {
    if (member) navigate(roomPath(member.id), { replace: true });
  }, [member]);

  async function accept() {
    const { room } = await client.invites.accept(code);
    putRoom(room);
    navigate(roomPath(room.id));
  }

  return (
    <section className="empty-state invite-screen" aria-label="Invitation">
      <h2>Invitation</h2>
      {error && (
        <p className="error" role="alert">
          This invite cannot be used: {error}
        </p>
      )}
      {!error && (!preview || !loaded || member) && <p className="muted">Loading the invite…</p>}
      {preview && loaded && !member && (
        <>
          <div className="invite-preview">
            <p className="muted">You are invited to join</p>
            <p className="invite-room-name">
              <span aria-hidden="true">{preview.room.type === 'private' ? '🔒 ' : '# '}</span>
              {preview.room.name}
            </p>
            {preview.room.description && <p className="invite-room-desc">{preview.room.description}</p>}
            <p className="muted">
              {preview.room.member_count} {preview.room.member_count === 1 ? 'member' : 'members'}
            </p>
          </div>
          <div className="row">
            <button type="button" className="secondary" onClick={() => navigate('/')}>
              Not now
            </button>
            <button type="button" className="primary" disabled={join.busy} onClick={() => void join.run(accept)}>
              {join.busy ? 'Joining…' : 'Join the room'}
            </button>
          </div>
          {join.error && (
            <p className="error" role="alert">
              {join.error}
            </p>
          )}
        </>
      )}
      {error && (
        <button type="button" className="secondary" onClick={() => navigate('/')}>
          Go to my rooms
        </button>
      )}
    </section>
  );
}
