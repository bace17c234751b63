import type { Presence } from '../../state/types.ts';

export const PRESENCE_TEXT: Record<Presence, string> = { online: 'Online', away: 'Away', busy: 'Busy, do not disturb', offline: 'Offline' };
