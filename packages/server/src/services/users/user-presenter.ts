import type { MeView, UserSummary, UserView, Visibility } from '@rooms/protocol';
import { ageOn, type Audience } from '../../domain/profile.ts';
import { canSeeField } from '../../policies/profile.policy.ts';
import type { ProfileFieldRow, UserRow } from '../../store/types.ts';

/** How any user appears wherever they are mentioned: purged accounts become "Deleted user". */
export function toSummary(u: UserRow): UserSummary {
  const deleted = u.deleted_at !== null;
  return {
    id: u.id,
    username: deleted ? null : u.username,
    display_name: deleted ? 'Deleted user' : u.display_name,
    avatar_url: deleted ? null : u.avatar_url,
    deleted,
  };
}

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
