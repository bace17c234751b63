import { DomainError } from '../../domain/errors.ts';
import type { Store } from '../../store/store.ts';
import type { UserRow } from '../../store/types.ts';

/** Deactivated and purged accounts are hidden everywhere: to others they do not exist. */
export const isActive = (u: UserRow): boolean => u.deactivated_at === null && u.deleted_at === null;

export async function requireActiveUser(store: Store, id: string): Promise<UserRow> {
  const u = await store.users.findById(id);
  if (!u || !isActive(u)) throw new DomainError('user_not_found', 'No such user.');
  return u;
}
