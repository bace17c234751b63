import { PROFILE_FIELD_NAMES, type ProfileUpdate } from '@rooms/protocol';
import { DomainError } from '../../domain/errors.ts';
import { DEFAULT_VISIBILITY } from '../../domain/profile.ts';
import { avatarPath } from '../../store/attachment-types.ts';
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
  if (top.avatar_url && UUID.test(top.avatar_url)) patch.avatar_url = await uploadedAvatar(tx, userId, top.avatar_url);
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An avatar given as an upload's id: the user's own image, then served at its avatar path to anyone who sees the profile. */
async function uploadedAvatar(tx: Store, userId: string, id: string): Promise<string> {
  const a = await tx.attachments.findById(id.toLowerCase());
  if (!a || a.uploader_id !== userId)
    throw new DomainError('attachment_not_found', 'No such upload: an avatar must be an image you uploaded.', {
      details: [{ field: 'body.avatar_url', message: 'is not one of your uploads' }],
    });
  if (a.kind !== 'image')
    throw new DomainError('validation_failed', 'An avatar must be an image.', {
      details: [{ field: 'body.avatar_url', message: 'is not an image' }],
    });
  return avatarPath(a.id);
}
