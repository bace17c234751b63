import { isDomainError } from '../../domain/errors.ts';

/**
 * The bubble app's error catalogue (GATEWAYS.md §1): every refusal reaches the sender alone as
 * `bubble_error {code, message}`, with the original server's codes and messages.
 */
export const BUBBLE_ERRORS = {
  no_message: () => 'No message specified.',
  no_reaction: () => 'No reaction specified.',
  no_name: () => 'newName not specified.',
  no_room_id: () => 'Room id not specified.',
  no_room_name: () => 'Room name is not specified.',
  room_full: (id: string, n: number | string) => `Room ${id} is at user limit of ${n}.`,
  room_id_not_found: (id: string) => `Room ${id} cannot be found.`,
  user_not_in_room: (userId: string, bubbleId: string, id: string) => `User ${userId} (${bubbleId}) is not in room ${id}`,
  counsellor_unavailable: () => 'No counsellors available',
  no_user_to_report: () => 'Did not specify user to report',
  room_closed: (id: string) => `Room ${id} is closed`,
  no_target_user: () => 'No targetUser specified for reaction.',
  invalid_room_id: () => 'Invalid room id.',
  invalid_new_name: () => 'Invalid newName.',
  invalid_user_limit: (x: unknown) => `User limit must be between 2 and 100, got ${String(x)}.`,
  invalid_message: () => 'Message is invalid.',
  invalid_categories: () => 'Invalid categories, should be one of Rant, Funny, Nostalgia, Relationship, Advice, School.',
  invalid_push_token: () => 'Push token is invalid.',
} as const;

export type BubbleCode = keyof typeof BUBBLE_ERRORS;

/**
 * A refusal to send as bubble_error. The code is bubble's own where it has one; a rule only Rooms
 * has (rate limits, blocks, bans, archived...) keeps Rooms' code and message, so the client still
 * gets one bubble_error it can show rather than silence.
 */
export class BubbleError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export function bubbleError<C extends BubbleCode>(code: C, ...args: Parameters<(typeof BUBBLE_ERRORS)[C]>): BubbleError {
  return new BubbleError(code, (BUBBLE_ERRORS[code] as (...a: unknown[]) => string)(...args));
}

/**
 * A service's refusal in bubble's terms: the few Rooms codes bubble has a name for are renamed
 * (with bubble's message); the rest pass through as they are. Anything else is not a refusal.
 */
export function fromServiceError(
  err: unknown,
  ctx: { roomId?: string; limit?: number | null; userId: string; bubbleId: string },
): BubbleError | undefined {
  if (err instanceof BubbleError) return err;
  if (!isDomainError(err)) return undefined;
  const room = ctx.roomId ?? '';
  switch (err.code) {
    case 'room_not_found':
      return bubbleError('room_id_not_found', room);
    case 'room_full':
      return bubbleError('room_full', room, ctx.limit ?? '?');
    case 'room_archived':
      return bubbleError('room_closed', room);
    case 'not_a_member':
      return bubbleError('user_not_in_room', ctx.userId, ctx.bubbleId, room);
    case 'invalid_category':
      return bubbleError('invalid_categories');
    case 'counsellor_unavailable':
      return bubbleError('counsellor_unavailable');
    default:
      return new BubbleError(err.code, err.message);
  }
}
