import { isRoomsApiError, type RoomsClient } from '@rooms/client';

export interface Person {
  id: string;
  username: string;
}

/** Usernames to accounts (GET /users/by-name), remembered for the session. */
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
    const hit = await this.client.users.byName(name).catch((err: unknown) => {
      if (isRoomsApiError(err) && err.status === 404) return undefined;
      throw err;
    });
    if (!hit) return undefined;
    const person = { id: hit.id, username: name };
    this.byName.set(name, person);
    return person;
  }
}
