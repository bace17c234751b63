import { z } from 'zod';
import { LIMITS, LIMIT_CEILINGS, ROOM_LIMITS } from '../limits.ts';
import { AttachmentView } from './attachments.ts';
import { Id, Instant, Timestamp, pageOf, pageQueryFields, singleLine, text } from './common.ts';
import { ONE_USER_REF, UserRefBody, UserSummary, hasOneUserRef, userRefFields } from './users.ts';

export const RoomType = z.enum(['public', 'private', 'direct']);
export const TopicKind = z.enum(['text', 'image', 'video']);
export const Role = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof Role>;
export const NotificationLevel = z.enum(['all', 'mentions', 'muted']);

const category = singleLine(z.string().trim().toLowerCase().min(1).max(30));

export const CreateRoomBody = z.strictObject({
  name: text({ min: ROOM_LIMITS.name.min, max: LIMIT_CEILINGS.roomName.max }),
  type: z.enum(['public', 'private']).default('public'),
  description: text({ max: ROOM_LIMITS.description.max, multiline: true }).nullable().optional(),
  topic_kind: TopicKind.default('text'),
  categories: z.array(category).max(ROOM_LIMITS.categories.maxItems).default([]),
  member_limit: z.number().int().min(ROOM_LIMITS.memberLimit.min).max(ROOM_LIMITS.memberLimit.max).nullable().optional(),
});

export const UpdateRoomBody = z.strictObject({
  name: text({ min: ROOM_LIMITS.name.min, max: LIMIT_CEILINGS.roomName.max }).optional(),
  description: text({ max: ROOM_LIMITS.description.max, multiline: true }).nullable().optional(),
  topic_kind: TopicKind.optional(),
  categories: z.array(category).max(ROOM_LIMITS.categories.maxItems).optional(),
  member_limit: z.number().int().min(ROOM_LIMITS.memberLimit.min).max(ROOM_LIMITS.memberLimit.max).nullable().optional(),
  /** Image and video rooms: an image or video you uploaded, shown as the room's cover; null removes it. */
  cover_attachment_id: Id.nullable().optional(),
});

/** Server-admin flags: featured rooms are promoted in discovery; archived rooms are read-only. */
export const RoomFlagsBody = z.strictObject({ featured: z.boolean().optional(), archived: z.boolean().optional() });

/** What anyone signed in may see of a public room (discovery). */
export const RoomPreview = z.object({
  id: Id,
  type: RoomType,
  name: z.string(),
  description: z.string().nullable(),
  topic_kind: TopicKind,
  categories: z.array(z.string()),
  member_count: z.number().int(),
  member_limit: z.number().int().nullable(),
  featured: z.boolean(),
  archived: z.boolean(),
  /** How many users like the room (seed 000's room likes). */
  like_count: z.number().int(),
  /** Image and video rooms: the cover, with URLs signed for whoever may see the room. */
  cover: AttachmentView.nullable(),
  /** When the room was made and its latest message: how active it is (the bubble gateway's list_rooms sorts and filters by it). */
  created_at: Timestamp,
  last_message_at: Timestamp.nullable(),
});

export const MyMembership = z.object({
  role: Role,
  joined_at: Timestamp,
  last_read_seq: z.number().int(),
  last_read_message_id: Id.nullable(),
  notification_level: NotificationLevel,
  muted: z.boolean(),
  muted_until: Timestamp.nullable(),
  /** Direct rooms: hidden from my list (GET /rooms) until a new message arrives or I show it again. */
  hidden: z.boolean(),
});

/** A room as a member sees it. */
export const RoomView = RoomPreview.extend({
  created_by: Id.nullable(),
  last_seq: z.number().int(),
  unread_count: z.number().int(),
  membership: MyMembership.nullable(),
  /** Direct rooms: the other person. */
  peer: UserSummary.nullable(),
});

export const RoomList = pageOf(RoomView);
export const MyRoomsQuery = z.strictObject(pageQueryFields(LIMITS.roomPage));
export const RoomPreviewPage = pageOf(RoomPreview);

export const PublicRoomsQuery = z.strictObject({
  q: singleLine(z.string().trim().max(ROOM_LIMITS.name.max)).optional(),
  category: category.optional(),
  featured: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  ...pageQueryFields(),
});

export const Member = z.object({
  user: UserSummary,
  role: Role,
  joined_at: Timestamp,
  muted: z.boolean(),
  muted_until: Timestamp.nullable(),
});
export const MemberPage = pageOf(Member);

export const RoomMemberParams = z.strictObject({ id: Id, userId: Id });
export const AddMemberBody = UserRefBody;
export const ChangeRoleBody = z.strictObject({ role: z.enum(['admin', 'member']) });
export const TransferBody = z.strictObject({ user_id: Id });
export const MuteBody = z.strictObject({
  muted: z.boolean(),
  muted_until: Instant.nullable().optional().meta({ description: 'absent or null: until unmuted' }),
});
export const BanBody = z
  .strictObject({ ...userRefFields, reason: text({ max: ROOM_LIMITS.reportReason.max, multiline: true }).optional() })
  .refine(hasOneUserRef, ONE_USER_REF);
export const Ban = z.object({ user: UserSummary, banned_by: Id.nullable(), reason: z.string().nullable(), created_at: Timestamp });
export const BanList = pageOf(Ban);
export const NotificationLevelBody = z.strictObject({ level: NotificationLevel });

export const CreateInviteBody = z.strictObject({
  expires_in: z
    .number()
    .int()
    .min(60)
    .max(ROOM_LIMITS.inviteMaxSeconds)
    .optional()
    .meta({ description: "seconds; default the server's INVITE_EXPIRY (7 days unless configured)" }),
  max_uses: z.number().int().min(1).max(1_000_000).nullable().default(1).meta({ description: '1 = single use, null = unlimited' }),
});
export const InviteCodeParams = z.strictObject({ code: singleLine(z.string().min(1).max(64)) });
export const Invite = z.object({
  code: z.string(),
  room_id: Id,
  created_by: Id.nullable(),
  created_at: Timestamp,
  expires_at: Timestamp,
  max_uses: z.number().int().nullable(),
  uses: z.number().int(),
  revoked: z.boolean(),
});
/** A room's invites that can still be used (not revoked, expired or used up), newest first. */
export const InviteList = pageOf(Invite);
export const InvitePreview = z.object({
  code: z.string(),
  expires_at: Timestamp,
  room: RoomPreview.pick({ id: true, name: true, type: true, description: true, member_count: true, topic_kind: true }),
});

export const BlockedUser = UserSummary.extend({ blocked_at: Timestamp });
export const BlockList = pageOf(BlockedUser);
