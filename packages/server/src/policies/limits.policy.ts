import { codePoints, type ServerLimits } from '@rooms/protocol';
import { DomainError } from '../domain/errors.ts';

/**
 * The configured length limits of SPEC §12, checked by the services on every path (REST, WebSocket,
 * gateways, the CLI): the request schemas only hold text to the ceilings a server may be configured
 * to, so that a raised limit reaches the service, and a lowered one is enforced here.
 * Refusals read as the schemas' own (400 validation_failed naming the field).
 */
export function checkLength(field: string, value: string, bounds: { min?: number; max: number }, what: string): void {
  const min = bounds.min ?? 0;
  // A code point is one or two UTF-16 units, so a string of length L holds between ⌈L/2⌉ and L of
  // them: within the bounds at both ends, it needs no count. Counting walks the whole string (a
  // send's message text, on every send) with the string iterator.
  if (value.length <= bounds.max && (value.length + 1) >> 1 >= min) return;
  const n = codePoints(value);
  if (n >= min && n <= bounds.max) return;
  const message = n < min ? `must be at least ${min} characters` : `must be at most ${bounds.max} characters`;
  throw new DomainError('validation_failed', `${what} ${message}.`, { details: [{ field, message }] });
}

/** A profile's display name and status message (signup and profile updates). */
export function checkProfileText(
  limits: ServerLimits,
  update: { display_name?: string | undefined; status_message?: string | null | undefined },
): void {
  if (update.display_name !== undefined) checkLength('body.display_name', update.display_name, limits.display_name, 'A display name');
  if (update.status_message) checkLength('body.status_message', update.status_message, limits.status_message, 'A status message');
}

export const checkUsername = (limits: ServerLimits, username: string, field = 'body.username'): void =>
  checkLength(field, username, limits.username, 'A username');

export const checkPassword = (limits: ServerLimits, password: string, field = 'body.password'): void =>
  checkLength(field, password, limits.password, 'A password');

export const checkRoomName = (limits: ServerLimits, name: string | undefined): void => {
  if (name !== undefined) checkLength('body.name', name, limits.room_name, 'A room name');
};

/** A message's text; an empty caption beside attachments is the schema's business, not a length. */
export const checkMessage = (limits: Pick<ServerLimits, 'message'>, content: string | undefined): void => {
  if (content) checkLength('body.content', content, limits.message, 'A message');
};
