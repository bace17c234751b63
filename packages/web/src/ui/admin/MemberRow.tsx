import { useId, useState } from 'react';
import { banMember, muteMember, removeMember, setRole, transferOwnership } from '../../state/admin-actions.ts';
import { useStore } from '../../state/store.ts';
import type { RoomMember } from '../../state/types.ts';
import { ui } from '../../state/ui.ts';
import { Avatar, PresenceDot } from '../common.tsx';
import { ConfirmButton } from './Confirm.tsx';
import { isMutedNow, outranks, type Role, ROLE_LABEL } from './roles.ts';
import { formatShort, MUTE_DURATIONS } from './time.ts';
import { useAction } from './useAction.ts';

/**
 * One member: who (opens their profile), presence, role, mute; and, when the viewer's role allows
 * it, a "Manage" toggle with what they may do to this member and nothing else. Whether it is open
 * is the list's state, so a member who changes role (and group) stays open.
 */
export function MemberRow({
  roomId,
  member: m,
  viewerRole,
  open,
  onToggle,
}: {
  roomId: string;
  member: RoomMember;
  viewerRole: Role | undefined;
  open: boolean;
  onToggle: () => void;
}) {
  const user = useStore((s) => s.users[m.user.id] ?? m.user);
  const meId = useStore((s) => s.me?.id);
  const actionsId = useId();
  const me = m.user.id === meId;
  const canModerate = !me && outranks(viewerRole, m.role);
  const canManage = !me && (viewerRole === 'owner' || canModerate);
  const muted = isMutedNow(m);
  const presence = useStore((s) => s.presence[m.user.id] ?? 'offline');

  return (
    <li className={`member ${open ? 'open' : ''}`}>
      <div className="member-row">
        {/* The visible text is the accessible name (role and presence added for screen readers), so voice control finds it by what it shows. */}
        <button
          type="button"
          className="member-open"
          onClick={() => ui.set({ panel: { kind: 'profile', userId: m.user.id } })}
          title="Open profile"
        >
          <span className="member-avatar" aria-hidden="true">
            <Avatar user={user} size={32} />
            <PresenceDot userId={m.user.id} />
          </span>
          <span className="member-names">
            <span className="member-name ellipsis">
              {user.display_name}
              {me && <span className="muted"> (you)</span>}
              <span className="sr-only">
                ({ROLE_LABEL[m.role]}, {presence})
              </span>
            </span>
            {user.username && <span className="member-username ellipsis muted"> @{user.username}</span>}
          </span>
          {muted && (
            <span className="tag tag-muted" title={m.muted_until ? `Muted until ${formatShort(m.muted_until)}` : 'Muted until unmuted'}>
              {' '}
              Muted
            </span>
          )}
        </button>
        {canManage && (
          <button
            type="button"
            className="icon-button"
            aria-label={`Manage ${user.display_name}`}
            title="Manage"
            aria-expanded={open}
            aria-controls={actionsId}
            onClick={onToggle}
          >
            <span aria-hidden="true">⋯</span>
          </button>
        )}
      </div>
      {canManage && open && (
        <div id={actionsId} className="member-actions" role="group" aria-label={`Manage ${user.display_name}`}>
          {muted && m.muted_until && <p className="muted small-text">Muted until {formatShort(m.muted_until)}.</p>}
          {viewerRole === 'owner' && <RoleActions roomId={roomId} member={m} name={user.display_name} />}
          {canModerate && (
            <>
              <MuteControl roomId={roomId} member={m} name={user.display_name} muted={muted} />
              <div className="row wrap">
                <ConfirmButton
                  label="Remove from room"
                  question={`Remove ${user.display_name} from this room? They can come back if invited again.`}
                  confirmLabel="Remove"
                  danger
                  onConfirm={() => removeMember(roomId, m.user.id)}
                />
                <BanControl roomId={roomId} userId={m.user.id} name={user.display_name} />
              </div>
            </>
          )}
        </div>
      )}
    </li>
  );
}

/** The owner's part: admin or not, and handing the room over (which makes the owner an admin). */
function RoleActions({ roomId, member: m, name }: { roomId: string; member: RoomMember; name: string }) {
  const { busy, error, run } = useAction();
  return (
    <div className="row wrap">
      {m.role === 'member' && (
        <button
          type="button"
          className="secondary small"
          disabled={busy}
          onClick={() => void run(() => setRole(roomId, m.user.id, 'admin'))}
        >
          Make admin
        </button>
      )}
      {m.role === 'admin' && (
        <button
          type="button"
          className="secondary small"
          disabled={busy}
          onClick={() => void run(() => setRole(roomId, m.user.id, 'member'))}
        >
          Remove admin role
        </button>
      )}
      <ConfirmButton
        label="Transfer ownership"
        question={`Make ${name} the owner of this room? You will become an admin and can no longer delete the room or change roles.`}
        confirmLabel="Transfer ownership"
        danger
        onConfirm={() => transferOwnership(roomId, m.user.id)}
      />
      {error && (
        <p className="error full" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function MuteControl({ roomId, member: m, name, muted }: { roomId: string; member: RoomMember; name: string; muted: boolean }) {
  const id = useId();
  const [choice, setChoice] = useState(1);
  const { busy, error, run } = useAction();
  const mute = () => {
    const seconds = MUTE_DURATIONS[choice]?.seconds ?? null;
    return muteMember(roomId, m.user.id, true, seconds === null ? null : new Date(Date.now() + seconds * 1000).toISOString());
  };
  return (
    <div className="row wrap">
      {muted ? (
        <button
          type="button"
          className="secondary small"
          disabled={busy}
          onClick={() => void run(() => muteMember(roomId, m.user.id, false))}
        >
          Unmute
        </button>
      ) : (
        <>
          <label htmlFor={`${id}-for`} className="inline-label">
            Mute for
          </label>
          <select id={`${id}-for`} value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
            {MUTE_DURATIONS.map((d, i) => (
              <option key={d.label} value={i}>
                {d.label}
              </option>
            ))}
          </select>
          <button type="button" className="secondary small" disabled={busy} onClick={() => void run(mute)} aria-label={`Mute ${name}`}>
            Mute
          </button>
        </>
      )}
      {error && (
        <p className="error full" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Ban with an optional reason (kept with the ban, seen by the room's admins). */
function BanControl({ roomId, userId, name }: { roomId: string; userId: string; name: string }) {
  const id = useId();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  if (!asking) {
    return (
      <button type="button" className="secondary small danger-text" onClick={() => setAsking(true)}>
        Ban…
      </button>
    );
  }
  return (
    <form
      className="confirm-box"
      aria-label={`Ban ${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => banMember(roomId, userId, reason.trim()));
      }}
      onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), setAsking(false))}
    >
      <p className="confirm-question">Ban {name}? They are removed now and cannot rejoin until unbanned.</p>
      <label htmlFor={`${id}-reason`}>
        Reason <span className="muted">(optional, seen by admins)</span>
      </label>
      <textarea id={`${id}-reason`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} autoFocus />
      <div className="row wrap">
        <button type="submit" className="danger small" disabled={busy}>
          {busy ? 'Banning…' : 'Ban'}
        </button>
        <button type="button" className="secondary small" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
