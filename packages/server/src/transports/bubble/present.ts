import type { EventMessage, MessageView, RoomPreview } from '@rooms/protocol';
import type { z } from 'zod';

/**
 * Rooms' objects in the bubble app's shapes (GATEWAYS.md §1). Identities: `bubbleId` is the Rooms
 * user id (stable: a guest keeps its account across reconnects); `userId` is a socket id where the
 * gateway knows one (see origin.ts), else the Rooms user id.
 */

/** A room as a member (RoomView, with its creator) or an outsider (RoomPreview) sees it. */
export type Room = z.infer<typeof RoomPreview> & { created_by?: string | null };

/** Rooms' discovery default for a room without a member limit; bubble's own cap. */
export const BUBBLE_MAX_USERS = 100;

/** bubble's categories (GATEWAYS.md §1); Rooms keeps them in lower case (ROOM_CATEGORIES must list them). */
export const BUBBLE_CATEGORIES = ['Rant', 'Funny', 'Nostalgia', 'Relationship', 'Advice', 'School'];
const BUBBLE_NAMES = new Map(BUBBLE_CATEGORIES.map((c) => [c.toLowerCase(), c]));

export interface BubbleRoom {
  roomId: string;
  roomName: string;
  roomType: 'PUBLIC' | 'PRIVATE' | 'HOT';
  userLimit: number;
  roomDescription: string;
  categories: string[];
  lastActive: string;
  numUsers: number;
  createdBy: string | null;
  createdByBubbleId: string | null;
  isOpen: boolean;
  createdAt: string;
  updatedAt: string;
}

/** HOT is a featured room, PRIVATE a private (or direct) room, closed an archived room. createdBy: the creator's bubble name. */
export function toBubbleRoom(r: Room, createdBy: string | null): BubbleRoom {
  const lastActive = r.last_message_at ?? r.created_at;
  return {
    roomId: r.id,
    roomName: r.name,
    roomType: r.type !== 'public' ? 'PRIVATE' : r.featured ? 'HOT' : 'PUBLIC',
    userLimit: r.member_limit ?? BUBBLE_MAX_USERS,
    roomDescription: r.description ?? '',
    categories: r.categories.map((c) => BUBBLE_NAMES.get(c) ?? c),
    lastActive,
    numUsers: r.member_count,
    createdBy,
    createdByBubbleId: r.created_by ?? null,
    isOpen: !r.archived,
    createdAt: r.created_at,
    updatedAt: lastActive,
  };
}

export interface BubbleMessage {
  id: string;
  userId: string;
  bubbleId: string;
  messageType: 'MESSAGE' | 'REACTION';
  content: string;
  targetUser: string | null;
  targetUserBubbleId: string | null;
  roomRoomId: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * A Rooms message as bubble's Message. A bubble reaction is a message of its room (as it was in
 * bubble's own database), told apart by its client_id (origin.ts); system messages (joins) are not
 * bubble messages: the caller leaves them out.
 */
export function toBubbleMessage(
  m: EventMessage | MessageView,
  origin: { userId: string; reaction?: { targetUser: string; targetUserBubbleId: string | null } | undefined },
): BubbleMessage {
  return {
    id: m.id,
    userId: origin.userId,
    bubbleId: m.sender.id,
    messageType: origin.reaction ? 'REACTION' : 'MESSAGE',
    content: m.content,
    targetUser: origin.reaction?.targetUser ?? null,
    targetUserBubbleId: origin.reaction?.targetUserBubbleId ?? null,
    roomRoomId: m.room_id,
    createdAt: m.created_at,
    updatedAt: m.edited_at ?? m.created_at,
  };
}
