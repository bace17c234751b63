import { DEFAULT_SERVER_LIMITS, type ServerLimits } from '@rooms/protocol';
import { client } from '../lib/sdk.ts';

/**
 * The server's configured limits (GET /limits), for form hints and counters; the defaults until the
 * answer arrives (the server checks its own limits whatever a form allowed).
 */
let current: ServerLimits = DEFAULT_SERVER_LIMITS;

export const limits = (): ServerLimits => current;

/** Asks once at start; a failure keeps the defaults. */
export function loadLimits(): void {
  client.limits().then(
    (l) => {
      current = l;
    },
    () => undefined,
  );
}
