/**
 * Constants of the WebSocket protocol at /ws (the frames' schemas are in schemas/ws.ts, the events'
 * in schemas/events.ts). Kept free of zod so that clients importing only these do not carry the
 * schema library.
 */
/** WebSocket close codes Rooms uses (4000–4999 is the application range). */
export const CLOSE_CODES = {
  /** The token was revoked (password change, log out everywhere) or expired. */
  sessionRevoked: 4001,
  /** The account was deactivated. */
  accountDeactivated: 4003,
  /** The client read too slowly and its outgoing buffer overflowed; reconnect and resume. */
  slowConsumer: 4008,
  /** The idle timeout (TIME_OUT) of terminal sessions (`?client=terminal`) and TCP gateway sessions. */
  idleTimeout: 4010,
  /** The server is shutting down; reconnect (to another node) and resume. */
  goingAway: 1001,
  /** The client broke the protocol's bounds (frame budget spent, too many rooms): not retried at once. */
  policyViolation: 1008,
  /** A frame larger than the limit. */
  tooBig: 1009,
} as const;

export const WS_LIMITS = { maxFrameBytes: 64 * 1024 } as const;

/** Rooms of a `resume` that cost one token of the frame budget (see frameWeight). */
export const RESUME_ROOMS_PER_TOKEN = 20;

/**
 * What a frame costs of the connection's frame budget (a token bucket: WS_FRAME_RATE tokens per
 * second, WS_FRAME_BURST at most; the server says both in `ready`). Most frames cost 1: each is
 * one authorization and one small write or publish. Following a room costs more: an authorization
 * and a read of the room's log after the client's seq, so `join_room` costs 2 and `resume` costs
 * 1 + one token per RESUME_ROOMS_PER_TOKEN rooms, which is also 2 for one room. A resume of 1,000
 * rooms (the most it may name, and MAX_JOINED_ROOMS' default) costs 51: it fits in the default
 * burst of 100, so a client's one resume per connection never trips it, while 200 such resumes a
 * second (3.5 s of a server's time, found by an attack run) are refused after the second.
 */
export function frameWeight(frame: { type: string; data?: unknown }): number {
  if (frame.type === 'resume') return 1 + Math.ceil(Object.keys((frame.data as { rooms: object }).rooms).length / RESUME_ROOMS_PER_TOKEN);
  if (frame.type === 'join_room') return 2;
  return 1;
}
