/** What the registry needs of a connection. */
export interface Registered {
  readonly id: string;
  readonly userId: string;
}

/**
 * This node's bubble sockets, by socket id and by user: bubble names people by socket id, Rooms by
 * user id, and this is where one becomes the other. A user with no socket here (another node, or
 * a /ws client) is named by their Rooms user id.
 */
export class BubbleSockets<C extends Registered> {
  private readonly byId = new Map<string, C>();
  private readonly byUser = new Map<string, C[]>();

  add(c: C): void {
    this.byId.set(c.id, c);
    const list = this.byUser.get(c.userId);
    if (list) list.push(c);
    else this.byUser.set(c.userId, [c]);
  }

  remove(c: C): void {
    this.byId.delete(c.id);
    const list = this.byUser.get(c.userId)?.filter((x) => x !== c);
    if (list && list.length > 0) this.byUser.set(c.userId, list);
    else this.byUser.delete(c.userId);
  }

  get(socketId: string): C | undefined {
    return this.byId.get(socketId);
  }

  ofUser(userId: string): readonly C[] {
    return this.byUser.get(userId) ?? [];
  }

  all(): IterableIterator<C> {
    return this.byId.values();
  }

  /** A user's name in bubble's payloads: their latest socket here, else their Rooms user id. */
  nameOf(userId: string): string {
    return this.byUser.get(userId)?.at(-1)?.id ?? userId;
  }

  /** The sockets' ids of these users here, and the user ids of the others (bubble's participants). */
  namesOf(userIds: readonly string[]): string[] {
    return userIds.flatMap((u) => {
      const mine = this.byUser.get(u);
      return mine ? mine.map((c) => c.id) : [u];
    });
  }

  /** A bubble name (socket id, or a user id) as the Rooms user it is. */
  userOf(name: string): string | undefined {
    return this.byId.get(name)?.userId ?? (UUID.test(name) ? name : undefined);
  }
}

/** Any UUID shape (Rooms ids are v7; bubble's own were v4). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
