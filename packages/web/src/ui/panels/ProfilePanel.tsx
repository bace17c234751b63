import { useEffect, useState } from 'react';
import type { ProfileField } from '@rooms/protocol';
import { formatFull } from '../../lib/format.ts';
import { navigate, roomPath } from '../../lib/router.ts';
import { errorText, openDirect } from '../../state/actions.ts';
import { loadBlocks, loadProfile, people, type Profile, setBlocked, setFollowing, usePeople } from '../../state/people-actions.ts';
import { useStore } from '../../state/store.ts';
import { ui } from '../../state/ui.ts';
import { PresenceDot } from '../common.tsx';
import { FIELD_NAMES, FIELDS, showValue } from '../people/profile-fields.ts';
import { PRESENCE_TEXT } from '../people/presence.ts';
import { isHttpUrl, ProfileAvatar } from '../people/ProfileAvatar.tsx';

const onPhone = () => matchMedia('(max-width: 720px)').matches;

/** Anyone's profile: who they are, what they let me see, and follow / message / block. */
export default function ProfilePanel({ userId }: { userId: string }) {
  const profile = usePeople((p) => p.profiles[userId]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    // Always re-read: counts, status and visible fields change while the panel is closed.
    loadProfile(userId).catch((err) => setError(errorText(err)));
    if (people.get().blocked === null) loadBlocks().catch(() => {});
  }, [userId]);

  if (profile === 'gone') return <p className="people-empty muted">This account was deactivated or deleted.</p>;
  if (!profile)
    return error ? (
      <p className="people-empty error" role="alert">
        {error}
      </p>
    ) : (
      <p className="people-empty muted">Loading the profile…</p>
    );
  return <ProfileView profile={profile} />;
}

function ProfileView({ profile: p }: { profile: Profile }) {
  const meId = useStore((s) => s.me?.id);
  const presence = useStore((s) => s.presence[p.id] ?? 'offline');
  const isMe = p.id === meId;
  const fields = FIELD_NAMES.filter((f) => p.profile[f] !== undefined && p.profile[f] !== null);
  const age = typeof p.profile.age === 'number' ? p.profile.age : null;

  return (
    <div className="profile">
      <header className="profile-head">
        <ProfileAvatar user={p} size={72} />
        <div className="profile-names">
          <h3 className="profile-name">{p.display_name}</h3>
          {p.username && <p className="muted profile-username">@{p.username}</p>}
          <p className="profile-presence">
            <PresenceDot userId={p.id} /> {PRESENCE_TEXT[presence]}
          </p>
        </div>
      </header>
      {p.status_message && (
        <p className="profile-status">
          <span className="sr-only">Status: </span>
          {p.status_message}
        </p>
      )}

      {isMe ? (
        <div className="profile-actions">
          <button type="button" className="primary" onClick={() => ui.set({ panel: { kind: 'me' } })}>
            Edit your profile
          </button>
        </div>
      ) : (
        <ProfileActions profile={p} />
      )}

      <dl className="profile-counts">
        <div>
          <dt>Followers</dt>
          <dd>{p.followers_count}</dd>
        </div>
        <div>
          <dt>Following</dt>
          <dd>{p.following_count}</dd>
        </div>
      </dl>

      {p.bio && (
        <section className="profile-section" aria-label="Bio">
          <h4>Bio</h4>
          <p className="profile-bio">{p.bio}</p>
        </section>
      )}
      {p.website && isHttpUrl(p.website) && (
        <section className="profile-section" aria-label="Website">
          <h4>Website</h4>
          <a className="profile-link" href={p.website} target="_blank" rel="noopener noreferrer">
            {p.website}
          </a>
        </section>
      )}
      {(fields.length > 0 || age !== null) && (
        <section className="profile-section" aria-label="About">
          <h4>About</h4>
          <dl className="profile-fields">
            {age !== null && (
              <div>
                <dt>Age</dt>
                <dd>{age}</dd>
              </div>
            )}
            {fields.map((f: ProfileField) => (
              <div key={f}>
                <dt>{FIELDS[f].label}</dt>
                <dd>{showValue(p.profile[f])}</dd>
              </div>
            ))}
          </dl>
          {isMe && <p className="muted small-print">You see every field you filled in; others see only those you share with them.</p>}
        </section>
      )}
      <p className="muted small-print">
        Member since <time dateTime={p.created_at}>{formatFull(p.created_at)}</time>
      </p>
    </div>
  );
}

/** Message, follow, block: each shows its own failure (a block refuses the direct room, for instance). */
function ProfileActions({ profile: p }: { profile: Profile }) {
  const blocked = usePeople((s) => s.blocked?.[p.id] === true);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmBlock, setConfirmBlock] = useState(false);

  async function run(what: string, fn: () => Promise<void>) {
    setBusy(what);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  }

  const message = () =>
    run('message', async () => {
      const room = await openDirect(p.id);
      if (onPhone()) ui.set({ panel: null });
      navigate(roomPath(room.id));
    });

  return (
    <div className="profile-actions-wrap">
      <div className="profile-actions">
        <button type="button" className="primary" disabled={busy !== null} onClick={() => void message()}>
          Message
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy !== null}
          onClick={() => void run('follow', () => setFollowing(p.id, !p.followed_by_me))}
        >
          {p.followed_by_me ? 'Unfollow' : 'Follow'}
        </button>
        {blocked ? (
          <button
            type="button"
            className="secondary"
            disabled={busy !== null}
            onClick={() => void run('block', () => setBlocked(p.id, false))}
          >
            Unblock
          </button>
        ) : (
          !confirmBlock && (
            <button type="button" className="secondary danger-text" disabled={busy !== null} onClick={() => setConfirmBlock(true)}>
              Block
            </button>
          )
        )}
      </div>
      {confirmBlock && !blocked && (
        <div className="profile-confirm" role="group" aria-label={`Block ${p.display_name}?`}>
          <p>
            Block <strong>{p.display_name}</strong>? They will not be able to message you directly or start a direct conversation with you.
            You can unblock them at any time.
          </p>
          <div className="row">
            <button
              type="button"
              className="danger"
              autoFocus
              disabled={busy !== null}
              onClick={() => void run('block', () => setBlocked(p.id, true)).then(() => setConfirmBlock(false))}
            >
              Block
            </button>
            <button type="button" className="secondary" onClick={() => setConfirmBlock(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {blocked && <p className="notice">You block this person: they cannot message you directly.</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
