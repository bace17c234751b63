/**
 * Opaque keyset cursors, part of the store contract (the same on every backend). A cursor is only
 * ever one this server wrote: anything else, however close, is refused with invalid_cursor before
 * it reaches a query (PostgreSQL would fail on a value its column cannot hold: a 500, not a 400).
 */
import { isStorable } from '@rooms/protocol';
import { DomainError } from '../domain/errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The form the store writes times in (Date#toISOString). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const invalidCursor = () => new DomainError('invalid_cursor', 'The cursor is not valid: pass a next_cursor as given.');
const fromBase64url = (cursor: string): string => Buffer.from(cursor, 'base64url').toString();
const toBase64url = (s: string): string => Buffer.from(s).toString('base64url');

/** A time as the store writes it, of a real date (no 2024-02-30, no year 0). */
const isStoreTime = (s: string): boolean => {
  if (!ISO_TIME.test(s) || s.startsWith('0000')) return false;
  const t = Date.parse(s);
  return Number.isFinite(t) && new Date(t).toISOString() === s;
};

/** Cursor over (timestamp, id) of the last row of a page. */
export const encodeCursor = (at: string, id: string): string => toBase64url(`${at}|${id}`);

/** The position a cursor encodes, undefined without one; invalid_cursor for anything encodeCursor did not write. */
export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const [at, id, extra] = fromBase64url(cursor).split('|');
  if (at === undefined || id === undefined || extra !== undefined || !isStoreTime(at) || !UUID.test(id) || encodeCursor(at, id) !== cursor)
    throw invalidCursor();
  return { at, id };
}

/**
 * Kinds of sort-key parts: free text (a lower-cased name …), a row id, or a stored time. Each is
 * checked here, so a forged cursor is invalid_cursor and never reaches a database that would refuse
 * the value itself (PostgreSQL: a bad timestamptz or uuid is an error, not an empty page).
 */
type KeyPart = 'text' | 'uuid' | 'time';
const KEY_PART_OK: Record<KeyPart, (v: unknown) => boolean> = {
  text: (v) => typeof v === 'string' && v.length <= 1000 && isStorable(v),
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  time: (v) => typeof v === 'string' && isStoreTime(v),
};

/** Cursor over any sort key. */
export const encodeKey = (parts: string[]): string => toBase64url(JSON.stringify(parts));

/** The sort key a cursor encodes, of exactly the given kinds; undefined without one, invalid_cursor otherwise. */
export function decodeKey<const K extends readonly KeyPart[]>(
  cursor: string | undefined,
  kinds: K,
): { [I in keyof K]: string } | undefined {
  if (cursor === undefined) return undefined;
  let parts: unknown;
  try {
    parts = JSON.parse(fromBase64url(cursor));
  } catch {
    throw invalidCursor();
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== kinds.length ||
    !kinds.every((k, i) => KEY_PART_OK[k](parts[i])) ||
    encodeKey(parts as string[]) !== cursor
  )
    throw invalidCursor();
  return parts as { [I in keyof K]: string };
}
