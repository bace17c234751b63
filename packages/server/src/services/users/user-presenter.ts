import type { MeView, UserSummary, UserView, Visibility } from '@rooms/protocol';
import { ageOn, type Audience } from '../../domain/profile.ts';
import { canSeeField } from '../../policies/profile.policy.ts';
import type { ProfileFieldRow, UserRow } from '../../store/types.ts';

/**
 * How any user appears wherever they are mentioned (a message's sender, a notification's actor, a
 * direct room's peer): a hidden account shows neither its name nor its avatar — "Deleted user"
 * once purged, "Deactivated user" until then (its name comes back if it logs in again). Lists of
 * people (members, followers, readers, search, presence) leave hidden accounts out instead.
 */
export function toSummary(u: UserRow): UserSummary {
  if (u.deleted_at !== null) return hiddenSummary(u.id, 'Deleted user');
  if (u.deactivated_at !== null) return hiddenSummary(u.id, 'Deactivated user');
  return { id: u.id, username: u.username, display_name: u.display_name, avatar_url: u.avatar_url, deleted: false };
}

/** An account that is gone, or hidden: its id only. */
export const hiddenSummary = (id: string, displayName = 'Deleted user'): UserSummary => ({
  id,
  username: null,
  display_name: displayName,
  avatar_url: null,
  deleted: true,
});

/** The personal fields the audience may see, with age derived from a visible birth date. */
export function visibleProfile(fields: ProfileFieldRow[], audience: Audience, today: Date): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.value === null || !canSeeField(f.visibility, audience)) continue;
    out[f.field] = f.value;
    if (f.field === 'birth_date') out.age = ageOn(f.value as string, today);
  }
  return out;
}

export interface ViewContext {
  profile: ProfileFieldRow[];
  audience: Audience;
  counts: { followers: number; following: number };
  followedByMe: boolean;
  today: Date;
}

export function toView(u: UserRow, ctx: ViewContext): UserView {
  return {
    ...toSummary(u),
    bio: u.bio,
    website: u.website,
    status_message: u.status_message,
    created_at: u.created_at,
    last_seen: u.last_seen,
    followers_count: ctx.counts.followers,
    following_count: ctx.counts.following,
    followed_by_me: ctx.followedByMe,
    profile: visibleProfile(ctx.profile, ctx.audience, ctx.today),
  };
}

export function toMe(u: UserRow, ctx: Omit<ViewContext, 'audience' | 'followedByMe'>): MeView {
  const visibility: Record<string, Visibility> = {};
  for (const f of ctx.profile) visibility[f.field] = f.visibility;
  return {
    ...toView(u, { ...ctx, audience: 'self', followedByMe: false }),
    email: u.email ?? '',
    is_admin: u.is_admin,
    profile_visibility: visibility,
    deactivated_at: u.deactivated_at,
  };
}
