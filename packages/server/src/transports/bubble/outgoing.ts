import type { EventPayload } from '@rooms/protocol';
import type { EncodedEvent } from '../../realtime/encoded-event.ts';
import { originOf } from './origin.ts';
import { toBubbleMessage, type BubbleMessage } from './present.ts';
import type { BubbleSockets, Registered } from './sockets.ts';

/** An event's wire JSON as bubble reads it (once per event: see connection.ts). */
export type Decoded = EventPayload & { room_id?: string };

export function decode(e: EncodedEvent): Decoded {
  return JSON.parse(e.json) as Decoded;
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
 * Recipients of an event that get the same bubble packet share it: for the events that say
 * something to bubble, everyone but one user (the subject) gets the same packet; the subject's own
 * sockets get their own (a message's sender sees sentByMe true, the user who left gets i_exit, and
 * one's own join, typing and name are not repeated to them). Undefined for the other events: each
 * recipient's packet, if any, is its own.
 */
export function sharedPacketOf(ev: EventPayload): { subject: string | undefined } | undefined {
  switch (ev.type) {
    case 'message_created':
      return { subject: ev.data.message.sender.id };
    case 'user_left':
      return { subject: ev.data.user_id };
    case 'user_typing':
      return { subject: ev.data.user_id };
    case 'user_joined':
      return { subject: ev.data.user?.id };
    case 'user_updated':
      return { subject: ev.data.user.id };
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
export function translate(ev: Decoded, to: Recipient, sockets: BubbleSockets<Registered>): Emit | undefined {
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
