/**
 * Which bubble socket sent a message, and whether it is a reaction, carried in the Rooms message's
 * own client_id (the one per-message field a client sets, unique per sender). Every node, and a
 * replay, then names the sending socket (bubble's `userId`) and the reaction's target the way the
 * sender's node did, with nothing kept beside the message.
 *
 *   a message:  bm:<socket id>:<n>
 *   a reaction: br:<socket id>:<n>:<target user>
 *
 * n counts the socket's sends (base 36), so a client_id is never reused by its sender.
 */

/** A socket id (engine.io's, 20 characters) or a Rooms user id: what a client_id may carry. */
export const TARGET = /^[\w-]{1,36}$/;

export interface Origin {
  socketId: string;
  reaction?: { targetUser: string } | undefined;
}

export function messageClientId(socketId: string, n: number): string {
  return `bm:${socketId}:${n.toString(36)}`;
}

export function reactionClientId(socketId: string, n: number, targetUser: string): string {
  return `br:${socketId}:${n.toString(36)}:${targetUser}`;
}

export function originOf(clientId: string | null): Origin | undefined {
  if (!clientId || clientId[0] !== 'b' || clientId[2] !== ':') return undefined;
  const parts = clientId.split(':');
  if (parts[0] === 'bm' && parts.length === 3) return { socketId: parts[1]! };
  if (parts[0] === 'br' && parts.length === 4) return { socketId: parts[1]!, reaction: { targetUser: parts[3]! } };
  return undefined;
}
