import { newId } from '../../domain/ids.ts';
import type { Store } from '../store.ts';
import type { NewUser, UserRow } from '../types.ts';

let n = 0;
/** A valid new user with unique names; override what a case cares about. */
export function aUser(over: Partial<NewUser> = {}): NewUser {
  n++;
  return {
    id: newId(),
    username: `user${n}_${Math.random().toString(36).slice(2, 8)}`,
    email: `user${n}@example.test`,
    password_hash: '$2b$10$notarealhashnotarealhashnotarealhashnotarealhashnot',
    display_name: `User ${n}`,
    avatar_url: null,
    bio: null,
    website: null,
    status_message: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    ...over,
  };
}

export const insertUser = (store: Store, over: Partial<NewUser> = {}): Promise<UserRow> => store.users.insert(aUser(over));
