import type { RoomsClient } from '@rooms/client';

export interface Person {
  id: string;
  username: string;
}

/** Usernames to accounts (the API addresses users by id), remembered for the session. */
export class Directory {
  private readonly client: RoomsClient;
  private readonly byName = new Map<string, Person>();

  constructor(client: RoomsClient) {
    this.client = client;
  }

  /** The active account with exactly this username, or undefined. */
  async find(username: string): Promise<Person | undefined> {
    const name = username.toLowerCase();
    const known = this.byName.get(name);
    if (known) return known;
    if (!/^[a-z0-9_]{3,20}$/.test(name)) return undefined;
    const { items } = await this.client.users.search({ q: name, limit: 100 });
    const hit = items.find((u) => u.username === name);
    if (!hit) return undefined;
    const person = { id: hit.id, username: name };
    this.byName.set(name, person);
    return person;
  }
}
