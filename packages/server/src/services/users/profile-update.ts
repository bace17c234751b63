import { PROFILE_FIELD_NAMES, type ProfileUpdate } from '@rooms/protocol';
import { DEFAULT_VISIBILITY } from '../../domain/profile.ts';
import type { Store } from '../../store/store.ts';
import type { ProfileFieldRow, UserPatch } from '../../store/types.ts';

/**
 * Applies a profile update (signup or PATCH /users/me): top-level fields go to the user row,
 * personal fields are merged with what is stored, so a patch may change a value, a visibility, or both.
 */
export async function applyProfileUpdate(tx: Store, userId: string, update: ProfileUpdate): Promise<void> {
  const { profile, ...top } = update;
  const patch: UserPatch = {};
  for (const [k, v] of Object.entries(top)) if (v !== undefined) (patch as Record<string, unknown>)[k] = v;
  if (Object.keys(patch).length > 0) await tx.users.update(userId, patch);
  if (!profile) return;

  const stored = new Map((await tx.users.getProfile(userId)).map((f) => [f.field, f]));
  const rows: ProfileFieldRow[] = [];
  for (const field of PROFILE_FIELD_NAMES) {
    const change = profile[field];
    if (!change) continue;
    const before = stored.get(field);
    rows.push({
      field,
      value: change.value !== undefined ? change.value : (before?.value ?? null),
      visibility: change.visibility ?? before?.visibility ?? DEFAULT_VISIBILITY,
    });
  }
  await tx.users.setProfile(userId, rows);
}
