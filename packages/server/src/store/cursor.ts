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
