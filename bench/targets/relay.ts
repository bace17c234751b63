/** Adapter for baseline (a), the bare ws relay: join by ?room=, frames { id, room, content }, acks { ack }. */
import { join } from 'node:path';
import { startBaseline } from './baseline.ts';
import type { ClientEvents, Target, TargetOptions } from './types.ts';
import { readUint, WsClient } from './ws-client.ts';

const ACK = '{"ack":'.length;

class RelayClient extends WsClient {
  private readonly base: string;

  constructor(base: string, room: number, member: number, events: ClientEvents) {
    super(room, member, events);
    this.base = base;
  }

  protected url(): string {
    return `${this.base}/ws?room=r${this.room}`;
  }

  protected opened(): void {
    this.markReady();
  }

  protected frame(data: Buffer): void {
    // {"ack":123} or {"room":"r1","content":"..."}
    if (data[2] === 0x61) this.events.ack(this, readUint(data, ACK));
    else this.events.delivery(this, data);
  }

  send(reqId: number, content: string): void {
    this.write(`{"id":${reqId},"room":"r${this.room}","content":"${content}"}`);
  }
}

export function startRelay(opts: TargetOptions): Promise<Target> {
  return startBaseline(
    'relay',
    join(import.meta.dirname, 'relay-server.ts'),
    (base, room, member, events) => new RelayClient(base, room, member, events),
    opts,
  );
}

/** Baseline (a'): the same relay writing each socket's frames of a turn in one syscall (RELAY_BATCH=1). */
export function startBatchedRelay(opts: TargetOptions): Promise<Target> {
  return startBaseline(
    'relay-batched',
    join(import.meta.dirname, 'relay-server.ts'),
    (base, room, member, events) => new RelayClient(base, room, member, events),
    opts,
    { RELAY_BATCH: '1' },
  );
}
