/** Every list of the API answers { items, next_cursor } and takes ?limit=&cursor=: one way to read them all. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * Every item of a list, page after page, for any list method of the SDK:
 * `for await (const u of allPages((cursor) => client.users.followers(id, { cursor }))) …`.
 */
export async function* allPages<T>(page: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    yield* p.items;
    cursor = p.next_cursor ?? undefined;
  } while (cursor !== undefined);
}

/** Who a call is about: a user id, or `{ username }` / `{ user_id }` as a person would give it. */
export type UserRef = string | { user_id: string } | { username: string };

/** The body field(s) naming a user: exactly one of user_id and username. */
export const userRefBody = (who: UserRef): { user_id: string } | { username: string } => (typeof who === 'string' ? { user_id: who } : who);

/** allPages, gathered into one array (for lists a screen shows whole: blocks, bans, invites). */
export async function everyItem<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of allPages(page)) all.push(item);
  return all;
}
