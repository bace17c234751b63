import type { z } from 'zod';
import type { PinList } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { inTransaction } from '../../events/unit-of-work.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { PageRequest } from '../../store/types.ts';
import { authorize } from '../rooms/room-access.ts';
import { refuseSystemMessage } from './system-messages.ts';
import { presentMessages, type AttachmentViewer } from './message-presenter.ts';
import type { MessagesService } from './messages.service.ts';

/** Pinned messages: admins pin and unpin; every member sees the list. */
export class PinsService {
  private readonly d: { store: Store; bus: EventBus; clock: Clock; messages: MessagesService; attachments: AttachmentViewer };

  constructor(deps: { store: Store; bus: EventBus; clock: Clock; messages: MessagesService; attachments: AttachmentViewer }) {
    this.d = deps;
  }

  async pin(actor: Actor, messageId: string): Promise<void> {
    const { message } = await this.d.messages.load(actor, messageId, 'pin');
    refuseSystemMessage(message, 'pinned');
    if (message.deleted_at) throw new DomainError('message_not_found', 'No such message.');
    await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
      if (!(await work.tx.pins.pin({ room_id: message.room_id, message_id: messageId, pinned_by: actor.id, pinned_at: work.now }))) return;
      await work.record(message.room_id, () => ({
        type: 'message_pinned',
        data: { room_id: message.room_id, message_id: messageId, pinned_by: actor.id },
      }));
    });
  }

  async unpin(actor: Actor, messageId: string): Promise<void> {
    const { message } = await this.d.messages.load(actor, messageId, 'pin');
    await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), async (work) => {
      if (!(await work.tx.pins.unpin(message.room_id, messageId))) return;
      await work.record(message.room_id, () => ({
        type: 'message_unpinned',
        data: { room_id: message.room_id, message_id: messageId, unpinned_by: actor.id },
      }));
    });
  }

  async list(actor: Actor, roomId: string, page: PageRequest): Promise<z.infer<typeof PinList>> {
    const { room } = await authorize(this.d.store, actor, roomId, 'read', this.d.clock.now());
    const { items: pins, next_cursor } = await this.d.store.pins.list(roomId, page);
    const messages = (await Promise.all(pins.map((p) => this.d.store.messages.findById(p.message_id)))).filter((m) => m !== undefined);
    const views = await presentMessages(this.d.store, this.d.attachments, actor.id, room, messages);
    const byId = new Map(pins.map((p) => [p.message_id, p]));
    return { items: views.map((v) => ({ ...v, pinned_at: byId.get(v.id)!.pinned_at, pinned_by: byId.get(v.id)!.pinned_by })), next_cursor };
  }
}
