/**
 * Source addresses on 127.0.0.0/8 (all of it is loopback on Linux): per-IP limits see each as a
 * different client. Roles keep fixed addresses so one never spends another's budget.
 */
export const ATTACKER = '127.0.0.2';
/** The signed-in user whose GET /auth/me latency every scenario reports. */
export const PROBE = '127.0.0.250';
/** The legitimate user who logs in during a flood (one address per flood, so its own per-IP budget is fresh). */
export const legitimate = (i: number): string => `127.0.0.${240 + i}`;
/** New connections opened during the slow-client attack. */
export const FRESH = '127.0.0.254';

/** n addresses of their own: 127.<block>.x.y. */
export function addresses(block: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.${block}.${Math.floor(i / 250)}.${(i % 250) + 1}`);
}

let next = 0;
/** A never-used address for one setup request (sign-ups are limited per IP after the fixes). */
export function setupAddress(): string {
  const i = next++;
  return `127.200.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}
