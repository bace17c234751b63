import type { ProfileField, Visibility } from '@rooms/protocol';

/**
 * The personal fields of a profile (SPEC §1), how each is edited and shown. Kept here rather than
 * read from @rooms/protocol's PROFILE_FIELDS at run time: those are zod schemas, and the browser
 * bundle carries no zod. `satisfies` keeps this list in step with the protocol's field names.
 */
export type FieldKind = 'text' | 'date' | 'int' | 'number' | 'list' | 'tel';

export const FIELDS = {
  birth_date: { label: 'Birth date', kind: 'date' },
  gender: { label: 'Gender', kind: 'text' },
  race: { label: 'Race', kind: 'text' },
  height_cm: { label: 'Height (cm)', kind: 'int' },
  weight_kg: { label: 'Weight (kg)', kind: 'number' },
  languages: { label: 'Languages', kind: 'list' },
  country: { label: 'Country', kind: 'text' },
  relationship_status: { label: 'Relationship status', kind: 'text' },
  interested_in: { label: 'Interested in', kind: 'text' },
  hobbies: { label: 'Hobbies', kind: 'list' },
  health: { label: 'Health', kind: 'list' },
  phone: { label: 'Phone', kind: 'tel' },
} as const satisfies Record<ProfileField, { label: string; kind: FieldKind }>;

/** One value per field, built from the field's name (the literal makes the compiler check that none is missing). */
export function mapFields<T>(fn: (f: ProfileField) => T): Record<ProfileField, T> {
  return {
    birth_date: fn('birth_date'),
    gender: fn('gender'),
    race: fn('race'),
    height_cm: fn('height_cm'),
    weight_kg: fn('weight_kg'),
    languages: fn('languages'),
    country: fn('country'),
    relationship_status: fn('relationship_status'),
    interested_in: fn('interested_in'),
    hobbies: fn('hobbies'),
    health: fn('health'),
    phone: fn('phone'),
  };
}

export const FIELD_NAMES: ProfileField[] = Object.keys(FIELDS).filter((k): k is ProfileField => k in FIELDS);

export const VISIBILITIES: { value: Visibility; label: string }[] = [
  { value: 'public', label: 'Everyone' },
  { value: 'mates', label: 'Mates: people in my rooms and my followers' },
  { value: 'private', label: 'Only me' },
];

/** A value as the profile panel shows it (lists joined; units are in the labels). */
export function showValue(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}

/** A stored value as the text of its input. */
export function toInput(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join(', ');
  return String(value);
}

/** The input's text as the value the API takes (null clears the field), or an error to show. */
export function fromInput(kind: FieldKind, text: string): { value: string | number | string[] | null } | { error: string } {
  const t = text.trim();
  if (t === '') return { value: null };
  if (kind === 'list') {
    const items = t
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    return { value: items.length ? items : null };
  }
  if (kind === 'int' || kind === 'number') {
    const n = Number(t);
    if (!Number.isFinite(n)) return { error: 'must be a number' };
    if (kind === 'int' && !Number.isInteger(n)) return { error: 'must be a whole number' };
    return { value: n };
  }
  return { value: t };
}

export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
