import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpApp } from './types.ts';

/**
 * Holds each "slow down" answer (429, or a 503 with Retry-After) for up to maxDelayMs before it
 * goes out. A refusal costs the server almost nothing, so a client that retries the moment it is
 * refused — a flood's closed loop — sent thousands a second and kept a core busy answering 429s
 * (signed-in requests waited behind them: /auth/me p99 123 ms under 32 flooding clients). Held,
 * each connection gets at most one refusal a delay; a held answer costs a timer, and connections
 * are bounded per IP. Never longer than the Retry-After it carries, so a client that waits as told
 * loses nothing.
 */
export function delayRefusals(app: HttpApp, maxDelayMs: number): void {
  if (maxDelayMs <= 0) return;
  app.addHook('onSend', async (_req, reply, payload) => {
    const status = reply.statusCode;
    if (status !== 429 && status !== 503) return payload;
    const retryAfter = Number(reply.getHeader('retry-after'));
    if (!(retryAfter > 0)) return payload;
    await sleep(Math.min(maxDelayMs, retryAfter * 1000));
    return payload;
  });
}
