import type { EventPayload } from '@rooms/protocol';
import type { EncodedEvent } from '../../realtime/encoded-event.ts';
import { originOf } from './origin.ts';
import { toBubbleMessage, type BubbleMessage } from './present.ts';
import type { BubbleSockets, Registered } from './sockets.ts';

/** An event's wire JSON, parsed once per event whoever receives it (the hub hands every session the same object). */
const parsed = new WeakMap<EncodedEvent, EventPayload & { room_id?: string }>();

export function decode(e: EncodedEvent): EventPayload & { room_id?: string } {
  let p = parsed.get(e);
  if (!p) {
    p = JSON.parse(e.json) as EventPayload & { room_id?: string };
    parsed.set(e, p);
  }
  return p;
}

/** One emit to one socket: the event name and its payload. */
export type Emit = [event: string, payload: unknown];

/** Who receives: the socket's id and its user. */
export interface Recipient extends Registered {
  /** Rooms names of the rooms this socket's user is in (add_message carries roomName). */
  roomName(roomId: string): string;
}

/** A Rooms message as bubble's Message, named as this node knows its sender. */
export function bubbleMessageOf(
  m: Extract<EventPayload, { type: 'message_created' }>['data']['message'],
  sockets: BubbleSockets<Registered>,
): BubbleMessage {
  const origin = originOf(m.client_id);
  const reaction = origin?.reaction && {
    targetUser: origin.reaction.targetUser,
    targetUserBubbleId: sockets.userOf(origin.reaction.targetUser) ?? null,
  };
  return toBubbleMessage(m, { userId: origin?.socketId ?? sockets.nameOf(m.sender.id), reaction });
}

/**
 * Recipients of an event that get the same bubble packet share it: the key of their variant
 * (e.g. a message's sender sees sentByMe true, everyone else false), or undefined when the packet
 * is the recipient's own (i_exit names the socket) or the event says nothing to bubble.
 */
export function variantOf(e: EncodedEvent, to: Recipient): string | undefined {
  const ev = decode(e);
  switch (ev.type) {
    case 'message_created': {
      const m = ev.data.message;
      return m.sender.id === to.userId ? undefined : 'others';
    }
    case 'user_left':
      return ev.data.user_id === to.userId ? undefined : 'others';
    case 'user_typing':
      return ev.data.user_id === to.userId ? undefined : 'others';
    case 'user_joined':
      return ev.data.user?.id === to.userId ? undefined : 'others';
    case 'user_updated':
      return ev.data.user.id === to.userId ? undefined : 'others';
    default:
      return undefined;
  }
}

/**
 * What a Rooms event means to one bubble socket (GATEWAYS.md §1), or nothing. The socket's own
 * actions come back to it as events too: its messages (sentByMe), its exits (i_exit, to every
 * socket of the identity, on any node); those it already answered itself (its join, its typing,
 * its name) are not repeated to it.
 */
export function translate(e: EncodedEvent, to: Recipient, sockets: BubbleSockets<Registered>): Emit | undefined {
  const ev = decode(e);
  switch (ev.type) {
    case 'message_created': {
      const m = ev.data.message;
      if (m.type === 'system') return undefined;
      const msg = bubbleMessageOf(m, sockets);
      const mine = m.sender.id === to.userId && (originOf(m.client_id)?.socketId ?? to.id) === to.id;
      if (msg.messageType === 'REACTION') return ['add_reaction', { ...msg, sentByMe: true }];
      const { targetUser: _t, targetUserBubbleId: _b, ...rest } = msg;
      return ['add_message', { ...rest, roomName: to.roomName(m.room_id), sentByMe: mine }];
    }
    case 'user_joined': {
      const user = ev.data.user;
      if (!user || user.id === to.userId) return undefined;
      return ['join_room', { roomId: ev.data.room_id, userId: sockets.nameOf(user.id), bubbleId: user.id }];
    }
    case 'user_left': {
      const { room_id: roomId, user_id: userId } = ev.data;
      if (userId === to.userId) return ['i_exit', { roomId, userId: to.id, bubbleId: userId }];
      return ['exit_room', { roomId, userId: sockets.nameOf(userId), bubbleId: userId }];
    }
    case 'user_typing': {
      if (ev.data.user_id === to.userId) return undefined;
      return [
        ev.data.typing ? 'typing' : 'stop_typing',
        { roomId: ev.data.room_id, userId: sockets.nameOf(ev.data.user_id), bubbleId: ev.data.user_id },
      ];
    }
    case 'user_updated': {
      const user = ev.data.user;
      if (user.id === to.userId) return undefined;
      return ['set_user_name', { userId: sockets.nameOf(user.id), newName: user.display_name, bubbleId: user.id }];
    }
    default:
      return undefined;
  }
}
