/** A message waiting to be sent: its client_id makes every resend idempotent. */
export interface OutboxItem {
  client_id: string;
  room_id: string;
  content: string;
  parent_id?: string | undefined;
  /** Ids of uploads sent with it (already uploaded: an item is queued once its uploads are done). */
  attachments?: string[] | undefined;
  /** When it was queued, and a counter that orders items queued in the same millisecond. */
  queued_at: string;
  order: number;
}

/**
 * Where queued sends wait. Memory by default; a browser can keep them in IndexedDB (one object
 * store keyed by client_id, read back sorted by `order`) so they survive a reload.
 */
export interface OutboxStore {
  put(item: OutboxItem): Promise<void>;
  /** Every item, oldest first. */
  list(): Promise<OutboxItem[]>;
  delete(clientId: string): Promise<void>;
}

export class MemoryOutbox implements OutboxStore {
  private readonly items = new Map<string, OutboxItem>();

  async put(item: OutboxItem): Promise<void> {
    this.items.set(item.client_id, item);
  }

  async list(): Promise<OutboxItem[]> {
    return [...this.items.values()].sort((a, b) => a.order - b.order);
  }

  async delete(clientId: string): Promise<void> {
    this.items.delete(clientId);
  }
}
