import type { DomainEvent } from '../events/events.ts';

/**
 * Carries events from the node that committed a change to every node's real-time hub.
 * In-process in embedded mode, Redis pub/sub in scaled mode.
 */
export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  /** Registers a handler for every event published on any node; returns an unsubscribe function. */
  subscribe(handler: (event: DomainEvent) => void): () => void;
  close(): Promise<void>;
}
