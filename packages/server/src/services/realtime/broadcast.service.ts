import { ROOM_LIMITS } from '@rooms/protocol';
import { checkMessage } from '../../policies/limits.policy.ts';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { PresenceStore } from '../../ports/presence-store.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import type { Store } from '../../store/store.ts';
import { requireActiveUser } from '../users/active-user.ts';
import { toSummary } from '../users/user-presenter.ts';

export interface BroadcastDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
  presence: PresenceStore;
  rateLimiter: RateLimiter;
  /** MESSAGE_MAX_LENGTH: a broadcast is a message to everyone. */
  maxLength?: number;
}

/**
 * Announcements to everyone online (the terminal's `broadcast MSG`): server admins only, since a
 * broadcast reaches people who share no room with the sender. Ephemeral: nothing is stored, so
 * only those online at the time see it. Counts against the sender's message rate limit.
 */
export class BroadcastService {
  private readonly d: BroadcastDeps;

  constructor(deps: BroadcastDeps) {
    this.d = deps;
  }

  async send(actor: Actor, content: string): Promise<{ delivered_to: number }> {
    if (!actor.isAdmin) throw new DomainError('forbidden', 'Only server admins may broadcast.');
    checkMessage({ message: { min: 1, max: this.d.maxLength ?? ROOM_LIMITS.message.max } }, content);
    const limit = await this.d.rateLimiter.hit(actor.id);
    if (!limit.allowed)
      throw new DomainError('rate_limited', 'You are sending too fast. Slow down.', { retryAfterSeconds: limit.retryAfterSeconds });
    const sender = await requireActiveUser(this.d.store, actor.id);
    const online = await this.d.presence.online();
    await this.d.bus.publish({
      kind: 'all',
      type: 'broadcast',
      data: { from: toSummary(sender), content, sent_at: this.d.clock.now().toISOString() },
    });
    return { delivered_to: online.length };
  }
}
