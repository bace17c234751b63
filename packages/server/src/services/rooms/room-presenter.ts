import type { z } from 'zod';
import type { AttachmentView, Member, MyMembership, RoomPreview, RoomView } from '@rooms/protocol';
import type { MembershipRow, RoomRow } from '../../store/room-types.ts';
import type { UserRow } from '../../store/types.ts';
import { toSummary } from '../users/user-presenter.ts';

/** Discovery fields: all a non-member may see of a public room (cover: see RoomsService.covers). */
export function toPreview(r: RoomRow, cover: AttachmentView | null): z.infer<typeof RoomPreview> {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    description: r.description,
    topic_kind: r.topic_kind,
    categories: r.categories,
    member_count: r.member_count,
    member_limit: r.member_limit,
    featured: r.featured,
    archived: r.archived,
    like_count: r.like_count,
    cover,
    created_at: r.created_at,
    last_message_at: r.last_message_at,
  };
}

export function toMyMembership(m: MembershipRow): z.infer<typeof MyMembership> {
  return {
    role: m.role,
    joined_at: m.joined_at,
    last_read_seq: m.last_read_seq,
    last_read_message_id: m.last_read_message_id,
    notification_level: m.notification_level,
    muted: m.muted,
    muted_until: m.muted_until,
    hidden: m.hidden_at !== null,
  };
}

/** A room as one member sees it; a direct room is named after the other person. */
export function toRoomView(
  r: RoomRow,
  cover: AttachmentView | null,
  m: MembershipRow | undefined,
  unread: number,
  peer?: UserRow,
): z.infer<typeof RoomView> {
  const peerSummary = peer ? toSummary(peer) : null;
  return {
    ...toPreview(r, cover),
    name: r.type === 'direct' && peerSummary ? peerSummary.display_name : r.name,
    created_by: r.created_by,
    last_seq: r.last_seq,
    unread_count: unread,
    membership: m ? toMyMembership(m) : null,
    peer: peerSummary,
  };
}

export function toMember(m: MembershipRow, u: UserRow): z.infer<typeof Member> {
  return { user: toSummary(u), role: m.role, joined_at: m.joined_at, muted: m.muted, muted_until: m.muted_until };
}
