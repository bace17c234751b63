import { sql } from 'kysely';

/** Escapes LIKE wildcards so user input matches literally (used with ESCAPE '\' on both databases). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Accounts shown in lists of people: not deactivated, not purged (see services/users/active-user.ts). */
export const ACTIVE_USER = sql<boolean>`users.deactivated_at is null and users.deleted_at is null`;
