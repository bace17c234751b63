import { useId, useRef, useState } from 'react';
import { formatFull } from '../../lib/format.ts';
import { navigate } from '../../lib/router.ts';
import { deleteRoom, type FormErrors, formErrors, setRoomFlags, updateRoom } from '../../state/admin-actions.ts';
import { useStore } from '../../state/store.ts';
import type { Room } from '../../state/types.ts';
import { toast, ui } from '../../state/ui.ts';
import { ConfirmButton } from '../admin/Confirm.tsx';
import { CoverSection } from '../attachments/CoverSection.tsx';
import { InvitesSection } from '../admin/InvitesSection.tsx';
import { isAdminRole } from '../admin/roles.ts';
import { bodyOf, draftOf, RoomFields, TOPIC_LABEL, useFocusFirstInvalid } from '../admin/RoomFields.tsx';
import { useAction } from '../admin/useAction.ts';

/**
 * About the room for everyone; for its admins the settings form and invite links; for server
 * admins the featured and archived flags; for the owner, deleting the room.
 */
export default function RoomSettingsPanel({ roomId }: { roomId: string }) {
  const room = useStore((s) => s.rooms[roomId]);
  const isServerAdmin = useStore((s) => s.me?.is_admin ?? false);
  const [editing, setEditing] = useState(false);
  if (!room) return <p className="muted pad">You are not in this room.</p>;
  const role = room.membership?.role;
  const admin = isAdminRole(role);

  return (
    <div className="admin-panel">
      {editing ? (
        <SettingsForm room={room} onDone={() => setEditing(false)} />
      ) : (
        <About room={room} canEdit={admin && !room.archived} onEdit={() => setEditing(true)} />
      )}
      {admin && !room.archived && (room.topic_kind === 'image' || room.topic_kind === 'video') && <CoverSection room={room} />}
      {admin && room.type !== 'direct' && <InvitesSection roomId={roomId} archived={room.archived} memberCount={room.member_count} />}
      {isServerAdmin && room.type !== 'direct' && <ServerFlags room={room} />}
      {role === 'owner' && <DangerZone room={room} />}
    </div>
  );
}

function About({ room, canEdit, onEdit }: { room: Room; canEdit: boolean; onEdit: () => void }) {
  const id = useId();
  return (
    <section className="admin-section" aria-labelledby={`${id}-h`}>
      <div className="section-head">
        <h3 id={`${id}-h`}>About</h3>
        {canEdit && (
          <button type="button" className="secondary small" onClick={onEdit}>
            Edit settings
          </button>
        )}
      </div>
      <p className="about-name">{room.name}</p>
      {room.description ? <p className="about-desc">{room.description}</p> : <p className="muted">No description.</p>}
      <div className="tags">
        {room.featured && <span className="tag tag-featured">Featured</span>}
        {room.archived && <span className="tag">Archived (read-only)</span>}
        {room.categories.map((c) => (
          <span key={c} className="tag">
            {c}
          </span>
        ))}
      </div>
      <dl className="facts">
        <div>
          <dt>Visibility</dt>
          <dd>
            {room.type === 'public'
              ? 'Public: anyone can find and join it'
              : room.type === 'private'
                ? 'Private: by invitation'
                : 'Direct message'}
          </dd>
        </div>
        <div>
          <dt>Topic</dt>
          <dd>{TOPIC_LABEL[room.topic_kind]}</dd>
        </div>
        <div>
          <dt>Members</dt>
          <dd>
            {room.member_count.toLocaleString()}
            {room.member_limit !== null && ` of ${room.member_limit.toLocaleString()} allowed`}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={room.created_at}>{formatFull(room.created_at)}</time>
          </dd>
        </div>
      </dl>
    </section>
  );
}

const NO_ERRORS: FormErrors = { message: '', fields: {} };

/** Only what changed is sent, so two admins editing different fields do not undo each other. */
function SettingsForm({ room, onDone }: { room: Room; onDone: () => void }) {
  const id = useId();
  const [draft, setDraft] = useState(() => draftOf(room));
  const [errors, setErrors] = useState(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  async function save() {
    const before = bodyOf(draftOf(room));
    const after = bodyOf(draft);
    const patch = {
      ...(after.name !== before.name ? { name: after.name } : {}),
      ...(after.description !== before.description ? { description: after.description } : {}),
      ...(after.topic_kind !== before.topic_kind ? { topic_kind: after.topic_kind } : {}),
      ...(after.categories.join() !== before.categories.join() ? { categories: after.categories } : {}),
      ...(after.member_limit !== before.member_limit ? { member_limit: after.member_limit } : {}),
    };
    if (Object.keys(patch).length === 0) return onDone();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await updateRoom(room.id, patch);
      toast('Room settings saved.');
      onDone();
    } catch (err) {
      setErrors(formErrors(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="admin-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Edit settings</h3>
      <form
        ref={form}
        className="form admin-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onDone())}
      >
        <RoomFields draft={draft} onChange={setDraft} errors={errors.fields} autoFocus />
        {errors.message && (
          <p className="error" role="alert">
            {errors.message}
          </p>
        )}
        <div className="row end">
          <button type="button" className="secondary" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Server admins: promote a room in discovery, or archive it (read-only for everyone). */
function ServerFlags({ room }: { room: Room }) {
  const id = useId();
  const { busy, error, run } = useAction();
  // The box shows the choice at once; the room's own flag takes over when the server answers.
  const [pending, setPending] = useState<{ featured?: boolean; archived?: boolean }>({});
  const toggle = (flags: { featured?: boolean; archived?: boolean }) => {
    setPending(flags);
    void run(() => setRoomFlags(room.id, flags)).finally(() => setPending({}));
  };
  return (
    <section className="admin-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Server administration</h3>
      <label className="checkbox-row">
        <input
          type="checkbox"
          checked={pending.featured ?? room.featured}
          disabled={busy}
          onChange={(e) => toggle({ featured: e.target.checked })}
        />
        <span>
          Featured <span className="muted block small-text">Shown first in Browse, with a “Featured” tag.</span>
        </span>
      </label>
      <label className="checkbox-row">
        <input
          type="checkbox"
          checked={pending.archived ?? room.archived}
          disabled={busy}
          onChange={(e) => toggle({ archived: e.target.checked })}
        />
        <span>
          Archived <span className="muted block small-text">Read-only: nobody can send, react, join or change settings.</span>
        </span>
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function DangerZone({ room }: { room: Room }) {
  const id = useId();
  return (
    <section className="admin-section room-danger" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Delete the room</h3>
      <p className="muted small-text">Deleting removes every message, file and member, for everyone. It cannot be undone.</p>
      <ConfirmButton
        label="Delete this room…"
        question={`Delete “${room.name}” and all its messages for everyone?`}
        confirmLabel="Delete permanently"
        danger
        className="secondary"
        onConfirm={async () => {
          await deleteRoom(room.id);
          ui.set({ panel: null });
          navigate('/');
        }}
      />
    </section>
  );
}
