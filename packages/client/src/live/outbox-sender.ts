import type { Message } from '../api/messages.ts';
import { RoomsApiError } from '../errors.ts';
import type { OutboxItem, OutboxStore } from './outbox.ts';

/** What the sender needs of the live connection. */
export interface OutboxLink {
  connected(): boolean;
  request<T>(type: string, data: unknown): Promise<T>;
  /** The connection looks stuck (an ack never came): drop it, so the send is retried on a fresh one. */
  reconnect(): void;
  sent(item: OutboxItem, message: Message): void;
  failed(item: OutboxItem, error: RoomsApiError): void;
  error(err: unknown): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends queued messages one at a time, oldest first, while the connection is up. An item leaves
 * the store only once the server answered for it: a send cut off by a disconnect is sent again
 * after the reconnect with the same client_id, and the server answers with the original message
 * instead of storing a second one.
 */
export class OutboxSender {
  private readonly store: OutboxStore;
  private readonly link: OutboxLink;
  private readonly waiters = new Map<string, { resolve: (m: Message) => void; reject: (e: RoomsApiError) => void }>();
  private flushing = false;
  private dirty = false;
  private counter = 0;

  constructor(store: OutboxStore, link: OutboxLink) {
    this.store = store;
    this.link = link;
  }

  /**
   * Queues a message; resolves with the stored message, or rejects with the reason it was refused.
   * `attachments` may be a promise (uploads still under way): the message is queued once it
   * resolves, and fails (the 'failed' event, the promise's error) when an upload fails.
   */
  send(
    roomId: string,
    content: string,
    opts: { parentId?: string | undefined; clientId?: string | undefined; attachments?: string[] | Promise<string[]> | undefined } = {},
  ): Promise<Message> {
    const item: OutboxItem = {
      client_id: opts.clientId ?? globalThis.crypto.randomUUID(),
      room_id: roomId,
      content,
      ...(opts.parentId ? { parent_id: opts.parentId } : {}),
      queued_at: new Date().toISOString(),
      order: Date.now() * 1000 + (this.counter++ % 1000),
    };
    const done = new Promise<Message>((resolve, reject) => this.waiters.set(item.client_id, { resolve, reject }));
    // A caller that ignores the promise still hears of failures through the 'failed' event.
    done.catch(() => {});
    const queue = (ids: string[] | undefined) => {
      if (ids?.length) item.attachments = ids;
      this.store.put(item).then(
        () => this.flush(),
        (err: unknown) =>
          this.settle(item, new RoomsApiError(0, 'unexpected_response', `The outbox could not keep the message: ${String(err)}`)),
      );
    };
    // Queued at once unless uploads are still under way (a caller may count the queue right after).
    if (opts.attachments instanceof Promise) {
      opts.attachments.then(queue, (err: unknown) =>
        this.settle(
          item,
          err instanceof RoomsApiError ? err : new RoomsApiError(0, 'unexpected_response', `An upload failed: ${String(err)}`),
        ),
      );
    } else queue(opts.attachments);
    return done;
  }

  /** Items still waiting. */
  async pending(): Promise<number> {
    return (await this.store.list()).length;
  }

  /** Sends what waits, in order, until the queue is empty or the connection drops. */
  async flush(): Promise<void> {
    if (this.flushing) {
      this.dirty = true;
      return;
    }
    this.flushing = true;
    try {
      do {
        this.dirty = false;
        while (this.link.connected()) {
          const [item] = await this.store.list();
          if (!item || !(await this.sendOne(item))) break;
        }
      } while (this.dirty && this.link.connected());
    } catch (err) {
      this.link.error(err);
    } finally {
      this.flushing = false;
    }
  }

  /** The connection ended for good: whoever waits is told; the items stay stored for a later connection. */
  abandon(error: RoomsApiError): void {
    for (const w of this.waiters.values()) w.reject(error);
    this.waiters.clear();
  }

  /** false: stop flushing (disconnected); the item stays queued. */
  private async sendOne(item: OutboxItem): Promise<boolean> {
    try {
      const ack = await this.link.request<{ message: Message }>('send_message', {
        room_id: item.room_id,
        content: item.content,
        client_id: item.client_id,
        ...(item.parent_id ? { parent_id: item.parent_id } : {}),
        ...(item.attachments?.length ? { attachments: item.attachments } : {}),
      });
      await this.store.delete(item.client_id);
      this.settle(item, ack.message);
      return true;
    } catch (err) {
      const e = err instanceof RoomsApiError ? err : new RoomsApiError(0, 'unexpected_response', String(err));
      if (e.code === 'disconnected') return false;
      if (e.code === 'timeout') {
        this.link.reconnect();
        return false;
      }
      if (e.code === 'rate_limited' || e.status >= 500) {
        await sleep((e.retryAfter ?? 1) * 1000);
        return true;
      }
      await this.store.delete(item.client_id);
      this.settle(item, e);
      return true;
    }
  }

  private settle(item: OutboxItem, outcome: Message | RoomsApiError): void {
    const w = this.waiters.get(item.client_id);
    this.waiters.delete(item.client_id);
    if (outcome instanceof RoomsApiError) {
      w?.reject(outcome);
      this.link.failed(item, outcome);
    } else {
      w?.resolve(outcome);
      this.link.sent(item, outcome);
    }
  }
}
