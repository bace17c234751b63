import { isRoomsApiError } from '@rooms/client';
import { errorText } from '../../state/actions.ts';

export type FieldErrors = Record<string, string>;

/**
 * The server's validation errors by field, for showing each under its input: a detail's field
 * `body.display_name` is keyed `display_name`, `body.profile.height_cm.value` is `profile.height_cm`.
 * Whatever cannot be placed on a field is the form's error.
 */
export function splitErrors(err: unknown, fields: readonly string[]): { fields: FieldErrors; form: string | null } {
  const out: FieldErrors = {};
  if (isRoomsApiError(err) && Array.isArray(err.details)) {
    for (const d of err.details) {
      if (typeof d !== 'object' || d === null || !('field' in d) || !('message' in d)) continue;
      const { field, message } = d;
      if (typeof field !== 'string' || typeof message !== 'string') continue;
      const parts = field.split('.').slice(1);
      const key = parts[0] === 'profile' ? parts.slice(0, 2).join('.') : (parts[0] ?? '');
      if (fields.includes(key)) out[key] = message;
    }
  }
  const placed = Object.keys(out).length > 0;
  return { fields: out, form: placed ? null : errorText(err) };
}
