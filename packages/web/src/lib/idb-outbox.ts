import type { OutboxItem, OutboxStore } from '@rooms/client';

/**
 * The SDK's outbox kept in IndexedDB (one database per account), so messages typed while offline
 * survive a reload and are sent once the connection is back. Falls back to memory where IndexedDB
 * is unavailable (private windows of some browsers).
 */
export class IdbOutbox implements OutboxStore {
  private readonly db: Promise<IDBDatabase | null>;
  private readonly memory = new Map<string, OutboxItem>();

  constructor(userId: string) {
    this.db = new Promise((resolve) => {
      try {
        const req = indexedDB.open(`rooms-outbox-${userId}`, 1);
        req.onupgradeneeded = () => req.result.createObjectStore('items', { keyPath: 'client_id' });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
  }

  private async run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T | undefined> {
    const db = await this.db;
    if (!db) return undefined;
    return new Promise((resolve, reject) => {
      const req = fn(db.transaction('items', mode).objectStore('items'));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  async put(item: OutboxItem): Promise<void> {
    if (!(await this.db)) this.memory.set(item.client_id, item);
    else await this.run('readwrite', (s) => s.put(item));
  }

  async list(): Promise<OutboxItem[]> {
    const items = (await this.db) ? ((await this.run<OutboxItem[]>('readonly', (s) => s.getAll())) ?? []) : [...this.memory.values()];
    return items.sort((a, b) => a.order - b.order);
  }

  async delete(clientId: string): Promise<void> {
    this.memory.delete(clientId);
    await this.run('readwrite', (s) => s.delete(clientId));
  }
}
