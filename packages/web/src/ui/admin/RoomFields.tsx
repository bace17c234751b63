import { DEFAULT_ROOM_CATEGORIES, ROOM_LIMITS } from '@rooms/protocol';
import { type RefObject, useEffect, useId } from 'react';
import type { Room } from '../../state/types.ts';
import { limits } from '../../state/limits.ts';

export type TopicKind = Room['topic_kind'];

/** A room's editable settings as the form holds them (the member limit as typed). */
export interface RoomDraft {
  name: string;
  description: string;
  topic_kind: TopicKind;
  categories: string[];
  member_limit: string;
}

export const emptyDraft: RoomDraft = { name: '', description: '', topic_kind: 'text', categories: [], member_limit: '' };

export const draftOf = (r: Room): RoomDraft => ({
  name: r.name,
  description: r.description ?? '',
  topic_kind: r.topic_kind,
  categories: r.categories,
  member_limit: r.member_limit === null ? '' : String(r.member_limit),
});

/** What the API is sent: blanks become null; the limit goes as typed, for the server to judge. */
export function bodyOf(d: RoomDraft) {
  return {
    name: d.name.trim(),
    description: d.description.trim() || null,
    topic_kind: d.topic_kind,
    categories: d.categories,
    member_limit: d.member_limit.trim() === '' ? null : Number(d.member_limit),
  };
}

const TOPICS: { value: TopicKind; label: string }[] = [
  { value: 'text', label: 'Conversation (text)' },
  { value: 'image', label: 'Images' },
  { value: 'video', label: 'Video' },
];

export const TOPIC_LABEL: Record<TopicKind, string> = { text: 'Text', image: 'Images', video: 'Video' };

/** After a refusal, the first field the server named gets the focus (and scrolls into view). */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, errors: { fields: Record<string, string> }): void {
  useEffect(() => {
    if (Object.keys(errors.fields).length === 0) return;
    const el = form.current?.querySelector<HTMLElement>('[aria-invalid="true"], fieldset[aria-describedby] input');
    // Centred, so its label and message show too (a plain focus scrolls it to the very edge).
    el?.focus({ preventScroll: true });
    el?.scrollIntoView({ block: 'center' });
  }, [form, errors]);
}

/** An inline message under a field; its id is what the field's aria-describedby points at. */
export function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <span id={id} className="room-field-error">
      {text}
    </span>
  );
}

/**
 * Name, description, topic kind, categories and member limit: the fields that creating a room and
 * editing its settings share. Errors come from the server, one per field (see formErrors).
 */
export function RoomFields({
  draft,
  onChange,
  errors,
  autoFocus = false,
}: {
  draft: RoomDraft;
  onChange: (d: RoomDraft) => void;
  errors: Record<string, string>;
  autoFocus?: boolean;
}) {
  const id = useId();
  const err = (field: keyof RoomDraft) => ({
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? `${id}-${field}-error` : undefined,
  });
  const toggle = (c: string, on: boolean) =>
    onChange({ ...draft, categories: on ? [...draft.categories, c] : draft.categories.filter((x) => x !== c) });
  const full = draft.categories.length >= ROOM_LIMITS.categories.maxItems;

  return (
    <>
      <div className="room-field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          name="name"
          value={draft.name}
          onChange={(e) => onChange({ ...draft, name: e.target.value })}
          maxLength={limits().room_name.max}
          autoComplete="off"
          autoFocus={autoFocus}
          {...err('name')}
        />
        <FieldError id={`${id}-name-error`} text={errors.name} />
      </div>
      <div className="room-field">
        <label htmlFor={`${id}-description`}>
          Description <span className="muted">(optional)</span>
        </label>
        <textarea
          id={`${id}-description`}
          name="description"
          rows={3}
          value={draft.description}
          onChange={(e) => onChange({ ...draft, description: e.target.value })}
          maxLength={ROOM_LIMITS.description.max}
          {...err('description')}
        />
        <FieldError id={`${id}-description-error`} text={errors.description} />
      </div>
      <div className="room-field">
        <label htmlFor={`${id}-topic`}>What the room is about</label>
        <select
          id={`${id}-topic`}
          name="topic_kind"
          value={draft.topic_kind}
          onChange={(e) => onChange({ ...draft, topic_kind: TOPICS.find((t) => t.value === e.target.value)?.value ?? 'text' })}
          {...err('topic_kind')}
        >
          {TOPICS.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-topic_kind-error`} text={errors.topic_kind} />
      </div>
      <fieldset className="room-field chip-set" aria-describedby={errors.categories ? `${id}-categories-error` : undefined}>
        <legend>
          Categories <span className="muted">(up to {ROOM_LIMITS.categories.maxItems})</span>
        </legend>
        <div className="chips">
          {DEFAULT_ROOM_CATEGORIES.map((c) => {
            const on = draft.categories.includes(c);
            return (
              <label key={c} className={`chip ${on ? 'on' : ''}`}>
                <input
                  type="checkbox"
                  name="categories"
                  value={c}
                  checked={on}
                  disabled={!on && full}
                  onChange={(e) => toggle(c, e.target.checked)}
                />
                {c}
              </label>
            );
          })}
        </div>
        <FieldError id={`${id}-categories-error`} text={errors.categories} />
      </fieldset>
      <div className="room-field">
        <label htmlFor={`${id}-limit`}>
          Member limit{' '}
          <span className="muted">
            (optional, {ROOM_LIMITS.memberLimit.min}–{ROOM_LIMITS.memberLimit.max.toLocaleString()})
          </span>
        </label>
        <input
          id={`${id}-limit`}
          name="member_limit"
          type="number"
          inputMode="numeric"
          placeholder="No limit"
          value={draft.member_limit}
          onChange={(e) => onChange({ ...draft, member_limit: e.target.value })}
          {...err('member_limit')}
        />
        <FieldError id={`${id}-member_limit-error`} text={errors.member_limit} />
      </div>
    </>
  );
}
