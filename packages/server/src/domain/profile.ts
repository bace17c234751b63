import type { Visibility } from '@rooms/protocol';

/** Whole years between a birth date (YYYY-MM-DD) and today, in UTC. Age is derived on read, never stored. */
export function ageOn(birthDate: string, today: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - y;
  const beforeBirthday = today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}

/** How the reader relates to a profile's owner, which decides which fields they see. */
export type Audience = 'self' | 'mate' | 'other';

export const DEFAULT_VISIBILITY: Visibility = 'private';
