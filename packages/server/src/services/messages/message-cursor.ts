/**
 * The opaque `cursor` of a message page: the direction the client is paging in and the seq it
 * reached, so `?cursor=` continues the way the first page went (older with before=, newer with after=)
 * like every other list of the API.
 */
import { SEQ_MAX } from '@rooms/protocol';
import { DomainError } from '../../domain/errors.ts';
import { decodeKey, encodeKey } from '../../store/cursor.ts';

export type MessagePosition = { before: number } | { after: number };

export const encodeMessageCursor = (dir: 'before' | 'after', seq: number): string => encodeKey([dir, String(seq)]);

/** The position a cursor names; invalid_cursor for anything encodeMessageCursor did not write. */
export function decodeMessageCursor(cursor: string): MessagePosition {
  const [dir, seq] = decodeKey(cursor, ['text', 'text'] as const)!;
  const n = /^\d{1,10}$/.test(seq) ? Number(seq) : NaN;
  if (!(n <= SEQ_MAX) || (dir !== 'before' && dir !== 'after'))
    throw new DomainError('invalid_cursor', 'The cursor is not valid: pass a next_cursor as given.');
  return dir === 'before' ? { before: n } : { after: n };
}
