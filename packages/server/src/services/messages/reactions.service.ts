import type { z } from 'zod';
import { REACTORS_SHOWN, type ReactionGroup, type ReactorList } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { inTransaction } from '../../events/unit-of-work.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import { toSummary } from '../users/user-presenter.ts';
import type { MessagesService } from './messages.service.ts';
import { refuseSystemMessage } from './system-messages.ts';

/** Reactions: one per (message, user, emoji). Adding twice or removing what is not there changes nothing. */
export class ReactionsService {
  private readonly d: { store: Store; bus: EventBus; clock: Clock; messages: MessagesService };

  constructor(deps: { store: Store; bus: EventBus; clock: Clock; messages: MessagesService }) {
    this.d = deps;
  }

  /** Returns the message's reactions after the call, and whether this call added one. */
  async add(actor: Actor, messageId: string, emoji: string): Promise<{ reactions: z.infer<typeof ReactionGroup>[]; added: boolean }> {
    const { message } = await this.d.messages.load(actor, messageId, 'react');
    refuseSystemMessage(message, 'reacted to');
    if (message.deleted_at) throw new DomainError('message_not_found', 'No such message.');
    const added = await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
      if (!(await work.tx.reactions.add(messageId, actor.id, emoji, work.now))) return false;
      await work.record(message.room_id, () => ({
        type: 'reaction_added',
        data: { room_id: message.room_id, message_id: messageId, user_id: actor.id, emoji },
      }));
      return true;
    });
    return { reactions: await this.groups(actor, messageId), added };
  }

  async remove(actor: Actor, messageId: string, emoji: string): Promise<void> {
    const { message } = await this.d.messages.load(actor, messageId, 'react');
    await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
      if (!(await work.tx.reactions.remove(messageId, actor.id, emoji))) return;
      await work.record(message.room_id, () => ({
        type: 'reaction_removed',
        data: { room_id: message.room_id, message_id: messageId, user_id: actor.id, emoji },
      }));
    });
  }

  /** Who reacted, per emoji, in the order of the groups (for "who reacted" on hover or long press). */
  async reactors(actor: Actor, messageId: string): Promise<z.infer<typeof ReactorList>> {
    const { message } = await this.d.messages.load(actor, messageId, 'read');
    if (message.deleted_at) return { items: [], next_cursor: null };
    const [groups, rows] = await Promise.all([this.groups(actor, messageId), this.d.store.reactions.reactors(messageId, 2000)]);
    const users = new Map(groups.map((g) => [g.emoji, [] as ReturnType<typeof toSummary>[]]));
    for (const r of rows) {
      const list = users.get(r.emoji);
      if (list && list.length < REACTORS_SHOWN) list.push(toSummary(r.user));
    }
    // One item per emoji of the message (at most REACTORS_SHOWN people each): a single page.
    return { items: groups.map((g) => ({ emoji: g.emoji, count: g.count, users: users.get(g.emoji) ?? [] })), next_cursor: null };
  }

  private async groups(actor: Actor, messageId: string): Promise<z.infer<typeof ReactionGroup>[]> {
    const rows = await this.d.store.reactions.groups([messageId], actor.id);
    return rows.map((r) => ({ emoji: r.emoji, count: r.count, me: r.me }));
  }
}
