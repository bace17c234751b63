import { useId, useRef, useState } from 'react';
import { navigate, roomPath } from '../../lib/router.ts';
import { createRoom } from '../../state/actions.ts';
import { type FormErrors, formErrors } from '../../state/admin-actions.ts';
import { ui } from '../../state/ui.ts';
import { bodyOf, emptyDraft, FieldError, RoomFields, useFocusFirstInvalid } from '../admin/RoomFields.tsx';

type Visibility = 'public' | 'private';

const NO_ERRORS: FormErrors = { message: '', fields: {} };

/**
 * A new room: the form sends what was typed and shows the server's verdict beside each field (the
 * server is the one judge of names, limits and categories); on success the room opens.
 */
export default function CreateRoomDialog() {
  const id = useId();
  const [draft, setDraft] = useState(emptyDraft);
  const [type, setType] = useState<Visibility>('public');
  const [errors, setErrors] = useState(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  async function submit() {
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const room = await createRoom({ ...bodyOf(draft), type });
      ui.set({ dialog: null });
      navigate(roomPath(room.id));
    } catch (err) {
      setErrors(formErrors(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      ref={form}
      className="form admin-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <RoomFields draft={draft} onChange={setDraft} errors={errors.fields} autoFocus />
      <fieldset className="room-field room-visibility" aria-describedby={errors.fields.type ? `${id}-type-error` : undefined}>
        <legend>Who can join</legend>
        <label className="choice-row">
          <input type="radio" name="type" value="public" checked={type === 'public'} onChange={() => setType('public')} />
          <span>
            <strong>Public</strong>
            <span className="muted block">Anyone can find it in Browse and join.</span>
          </span>
        </label>
        <label className="choice-row">
          <input type="radio" name="type" value="private" checked={type === 'private'} onChange={() => setType('private')} />
          <span>
            <strong>Private</strong>
            <span className="muted block">Hidden; people join with an invite link or when an admin adds them.</span>
          </span>
        </label>
        <FieldError id={`${id}-type-error`} text={errors.fields.type} />
      </fieldset>
      {errors.message && (
        <p className="error" role="alert">
          {errors.message}
        </p>
      )}
      <div className="row end">
        <button type="button" className="secondary" onClick={() => ui.set({ dialog: null })}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create room'}
        </button>
      </div>
    </form>
  );
}
