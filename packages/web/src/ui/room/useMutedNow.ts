import { useEffect, useState } from 'react';
import { isMutedNow } from '../admin/roles.ts';

/**
 * Whether I am muted in a room right now. A timed mute ends by itself on the server with no event,
 * so the composer wakes at its end instead of staying disabled until something else re-renders it.
 */
export function useMutedNow(m: { muted: boolean; muted_until: string | null } | null | undefined): boolean {
  const [, wake] = useState(0);
  const until = m?.muted && m.muted_until ? Date.parse(m.muted_until) : null;
  useEffect(() => {
    if (until === null) return;
    const ms = until - Date.now();
    if (ms <= 0) return;
    const t = setTimeout(() => wake((n) => n + 1), Math.min(ms + 50, 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [until]);
  return !!m && isMutedNow(m);
}
