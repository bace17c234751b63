import { z } from 'zod';
import { LIMITS, LIMIT_CEILINGS } from '../limits.ts';
import { HttpUrl, Id, Timestamp, Username, pageOf, pageQueryFields, singleLine, text } from './common.ts';

/** Who may see a personal field: anyone signed in, mates (share a room, or follow the owner), or the owner only. */
export const Visibility = z.enum(['public', 'mates', 'private']);
export type Visibility = z.infer<typeof Visibility>;

const shortText = text({ min: 1, max: LIMITS.profileText.max });
const textList = z.array(text({ min: 1, max: LIMITS.profileList.itemMax })).max(LIMITS.profileList.maxItems);

const BirthDate = z.iso.date().refine((d) => d >= '1900-01-01' && d <= new Date().toISOString().slice(0, 10), {
  message: 'must be a date between 1900-01-01 and today',
});

/** The personal fields and the shape of each value. Every one carries its own visibility. */
export const PROFILE_FIELDS = {
  birth_date: BirthDate,
  gender: shortText,
  race: shortText,
  height_cm: z.number().int().min(30).max(300),
  weight_kg: z.number().min(1).max(700),
  languages: textList,
  country: shortText,
  relationship_status: shortText,
  interested_in: shortText,
  hobbies: textList,
  health: textList,
  phone: z
    .string()
    .trim()
    .max(LIMITS.phone.max)
    .regex(/^\+?[0-9 ()\-.]{3,}$/, 'must be a phone number'),
} as const;
export type ProfileField = keyof typeof PROFILE_FIELDS;
export const PROFILE_FIELD_NAMES = Object.keys(PROFILE_FIELDS) as ProfileField[];

const fieldUpdate = <T extends z.ZodType>(value: T) =>
  z.strictObject({ value: value.nullable().optional(), visibility: Visibility.optional() });

/** A profile patch: per field, a new value (null clears it) and/or a new visibility. */
const patchShape = Object.fromEntries(PROFILE_FIELD_NAMES.map((f) => [f, fieldUpdate(PROFILE_FIELDS[f]).optional()]));
type FieldUpdate<K extends ProfileField> = { value?: z.output<(typeof PROFILE_FIELDS)[K]> | null; visibility?: Visibility };
export type ProfilePatch = { [K in ProfileField]?: FieldUpdate<K> };
export const ProfilePatch = z.strictObject(patchShape) as unknown as z.ZodType<ProfilePatch>;

/** Fields a user edits on their own account (also accepted at signup). null clears an optional field. */
export const ProfileUpdate = z.strictObject({
  display_name: text({ min: LIMITS.displayName.min, max: LIMIT_CEILINGS.displayName.max }).optional(),
  avatar_url: z
    .union([Id, HttpUrl])
    .nullable()
    .optional()
    .meta({ description: 'an http(s) URL, or the id of an image you uploaded (it is then served at /attachments/{id}/avatar)' }),
  bio: text({ max: LIMITS.bio.max, multiline: true }).nullable().optional(),
  website: HttpUrl.nullable().optional(),
  status_message: text({ max: LIMIT_CEILINGS.statusMessage.max }).nullable().optional(),
  profile: ProfilePatch.optional(),
});
export type ProfileUpdate = z.infer<typeof ProfileUpdate>;

/** The least a client needs to show a user anywhere (message author, member list). */
export const UserSummary = z.object({
  id: Id,
  username: z.string().nullable().meta({ description: 'null while the account is deactivated, and once it is purged' }),
  display_name: z.string().meta({ description: '"Deactivated user" or "Deleted user" for a hidden account' }),
  avatar_url: z.string().nullable(),
  deleted: z.boolean().meta({ description: 'the account is hidden: deactivated (until it logs in again) or purged' }),
});
export type UserSummary = z.infer<typeof UserSummary>;

/** A profile as a given reader may see it: hidden fields are absent, never null. */
export const UserView = UserSummary.extend({
  bio: z.string().nullable(),
  website: z.string().nullable(),
  status_message: z.string().nullable(),
  created_at: Timestamp,
  last_seen: Timestamp.nullable(),
  followers_count: z.number().int(),
  following_count: z.number().int(),
  followed_by_me: z.boolean(),
  profile: z.record(z.string(), z.unknown()).meta({ description: 'visible personal fields; age is derived from birth_date' }),
  /** Server admins (and the account itself) see whether it is a gateway's guest account (issue 18). */
  guest: z.boolean().optional(),
});
export type UserView = z.infer<typeof UserView>;

/** The signed-in user's own account, with every field and its visibility. */
export const MeView = UserView.extend({
  email: z.string(),
  is_admin: z.boolean(),
  profile_visibility: z.record(z.string(), Visibility),
  deactivated_at: Timestamp.nullable(),
});
export type MeView = z.infer<typeof MeView>;

export const UserSearchQuery = z.strictObject({
  // NFC like the stored names, so a decomposed "É" (E + U+0301) finds "Émile".
  q: singleLine(z.string().trim().normalize('NFC').toLowerCase().min(LIMITS.searchQuery.min).max(LIMITS.searchQuery.max)),
  ...pageQueryFields({ max: LIMITS.page.max, default: 20 }),
});

export const UserPage = pageOf(UserSummary);

/** A user as a person names one: by username (what they type) or by id (what a client keeps). */
export const userRefFields = {
  user_id: Id.optional().meta({ description: "the user's id; or give username instead" }),
  username: Username.optional().meta({ description: "the user's username (case-insensitive); or give user_id instead" }),
};
/** Exactly one of user_id and username. */
export const hasOneUserRef = (b: { user_id?: string | undefined; username?: string | undefined }): boolean =>
  (b.user_id === undefined) !== (b.username === undefined);
export const ONE_USER_REF = { message: 'give either user_id or username (exactly one of them)', path: ['user_id'] };
export const UserRefBody = z.strictObject(userRefFields).refine(hasOneUserRef, ONE_USER_REF);
export type UserRef = z.infer<typeof UserRefBody>;
export const UsernameParams = z.strictObject({ username: Username });
