import type { Visibility } from '@rooms/protocol';
import type { Audience } from '../domain/profile.ts';

/** May a reader with this audience see a field with this visibility? */
export function canSeeField(visibility: Visibility, audience: Audience): boolean {
  switch (visibility) {
    case 'public':
      return true;
    case 'mates':
      return audience === 'self' || audience === 'mate';
    case 'private':
      return audience === 'self';
  }
}

/** Does answering need to know whether the reader is a mate? Saves a query when nothing is "mates". */
export const needsMateCheck = (visibilities: Visibility[]): boolean => visibilities.includes('mates');
