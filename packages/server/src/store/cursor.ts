/** Opaque keyset cursor: (timestamp, id) of the last row of a page. Part of the store contract, the same on every backend. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const encodeCursor = (at: string, id: string): string => Buffer.from(`${at}|${id}`).toString('base64url');

/** The position a cursor encodes, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id, extra] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || extra !== undefined || Number.isNaN(Date.parse(at)) || !UUID.test(id)) return undefined;
  return { at, id };
}

/** Opaque cursor over any sort key (name, id …). */
export const encodeKey = (parts: (string | number)[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');

/** The sort key a cursor encodes if it has the expected arity and only strings/numbers; otherwise undefined. */
export function decodeKey(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (!cursor) return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (!Array.isArray(parts) || parts.length !== arity || !parts.every((p) => typeof p === 'string' || typeof p === 'number')) return undefined;
    return parts as (string | number)[];
  } catch {
    return undefined;
  }
}
