import type { MeView, RoomPreview, RoomView, UserSummary, UserView } from '@rooms/protocol';
import type { z } from 'zod';

/**
 * Rooms' views in the shapes of the namespace protocol (its MongoDB documents): `_id`, camelCase,
 * personal fields under basicInfo and personalInfo. Only what Rooms shows this reader: another
 * user's email is never shown (null), hidden profile fields are absent, and no password ever.
 */

const pick = (from: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [ours, theirs] of Object.entries(names)) if (from[ours] !== undefined) out[theirs] = from[ours];
  return out;
};

/**
 * An account: the caller's own (MeView, with email) or another's as Rooms lets the caller see it.
 * `links` are the original document's arrays: ids followed and following (Rooms' follows are
 * public), and for one's own account one's rooms.
 */
export function toAccount(
  u: UserView | MeView,
  links: { following: string[]; follower: string[]; rooms?: unknown[] },
): Record<string, unknown> {
  const profile = u.profile;
  return {
    _id: u.id,
    username: u.username,
    email: 'email' in u ? u.email : null,
    displayName: u.display_name,
    phone: profile.phone ?? null,
    website: u.website,
    bio: u.bio,
    personalInfo: pick(profile, { health: 'health', hobbies: 'hobbies', languages: 'languages' }),
    basicInfo: pick(profile, {
      gender: 'sex',
      race: 'race',
      height_cm: 'height',
      weight_kg: 'weight',
      birth_date: 'birthDate',
      age: 'age',
      relationship_status: 'maritalStatus',
      interested_in: 'interestedIn',
      country: 'country',
    }),
    following: links.following,
    follower: links.follower,
    followingCount: u.following_count,
    followersCount: u.followers_count,
    ...(links.rooms ? { rooms: links.rooms } : {}),
    createdAt: u.created_at,
  };
}

/** A room's author as the original's search by id showed it; another user's email stays hidden (null). */
export function toAuthor(u: UserSummary, viewerId: string, viewerEmail: string | null): Record<string, unknown> {
  return { _id: u.id, username: u.username, email: u.id === viewerId ? viewerEmail : null, displayName: u.display_name };
}

/** A room: its id, title (Rooms' name) and the rest of what the reader may see of it. */
export function toRoom(
  r: z.infer<typeof RoomPreview> | z.infer<typeof RoomView>,
  extra: { author?: unknown; createdAt?: string } = {},
): Record<string, unknown> {
  const full = 'created_by' in r ? { author: r.created_by, createdAt: r.created_at } : {};
  return {
    _id: r.id,
    title: r.name,
    description: r.description,
    type: r.type,
    topicKind: r.topic_kind,
    categories: r.categories,
    memberCount: r.member_count,
    memberLimit: r.member_limit,
    likeCount: r.like_count,
    ...full,
    ...extra,
  };
}
