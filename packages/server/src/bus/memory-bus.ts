import type { DomainEvent } from '../events/events.ts';
import type { EventBus } from '../ports/bus.ts';

/** The embedded bus: handlers run in this process, on a later tick so publishers never wait for them. */
export class MemoryBus implements EventBus {
  private readonly handlers = new Set<(event: DomainEvent) => void>();

  async publish(event: DomainEvent): Promise<void> {
    for (const h of this.handlers) queueMicrotask(() => h(event));
  }

  subscribe(handler: (event: DomainEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
