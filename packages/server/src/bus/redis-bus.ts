import type { Redis } from 'ioredis';
import type { DomainEvent } from '../events/events.ts';
import type { EventBus } from '../ports/bus.ts';

/**
 * Scaled-mode bus: every node publishes to one Redis channel and every node (the publisher
 * included) hands what it receives to its hub, so one code path serves one node or many.
 * Pub/sub may drop messages on a reconnect; durable room events are then recovered from the
 * database by seq, so nothing acknowledged is lost.
 */
export class RedisBus implements EventBus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly channel: string;
  private readonly handlers = new Set<(event: DomainEvent) => void>();

  private constructor(pub: Redis, sub: Redis, channel: string) {
    this.pub = pub;
    this.sub = sub;
    this.channel = channel;
    sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      let event: DomainEvent;
      try {
        // What publish wrote on some node: a DomainEvent, typed from the event map when it was made.
        event = JSON.parse(message.toString('utf8'));
      } catch {
        return;
      }
      for (const h of this.handlers) h(event);
    });
  }

  /** Connects a dedicated subscriber connection (a subscribed Redis connection can do nothing else). */
  static async connect(pub: Redis, channel = 'rooms:events'): Promise<RedisBus> {
    const sub = pub.duplicate();
    await sub.subscribe(channel);
    return new RedisBus(pub, sub, channel);
  }

  async publish(event: DomainEvent): Promise<void> {
    await this.pub.publish(this.channel, JSON.stringify(event));
  }

  subscribe(handler: (event: DomainEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.sub.disconnect();
  }
}
