import type { z } from 'zod';
import type { BlockList } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { PageRequest } from '../../store/types.ts';
import { requireActiveUser } from './active-user.ts';
import { toSummary } from './user-presenter.ts';

/** The personal block list: a blocked user cannot open a direct room with you or message you there. */
export class BlocksService {
  private readonly d: { store: Store; clock: Clock };

  constructor(deps: { store: Store; clock: Clock }) {
    this.d = deps;
  }

  async block(actor: Actor, userId: string): Promise<void> {
    if (userId === actor.id) throw new DomainError('cannot_target_self', 'You cannot block yourself.');
    await requireActiveUser(this.d.store, userId);
    await this.d.store.blocks.block(actor.id, userId, this.d.clock.now().toISOString());
  }

  async unblock(actor: Actor, userId: string): Promise<void> {
    await this.d.store.blocks.unblock(actor.id, userId);
  }

  async list(actor: Actor, page: PageRequest): Promise<z.infer<typeof BlockList>> {
    const rows = await this.d.store.blocks.list(actor.id, page);
    return { items: rows.items.map((r) => ({ ...toSummary(r.user), blocked_at: r.blocked_at })), next_cursor: rows.next_cursor };
  }
}
