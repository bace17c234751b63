import type { DomainEvent } from '../../src/events/events.ts';
import type { EventBus } from '../../src/ports/bus.ts';

/** A bus that keeps what is published and delivers it to nobody: what a service emitted, for a test to read. */
export class RecordingBus implements EventBus {
  readonly published: DomainEvent[] = [];
  async publish(e: DomainEvent): Promise<void> {
    this.published.push(e);
  }
  subscribe(): () => void {
    return () => {};
  }
  async close(): Promise<void> {}
}
