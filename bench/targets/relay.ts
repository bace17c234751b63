/** Adapter for baseline (a), the bare ws relay: join by ?room=, frames { id, room, content }, acks { ack }. */
import { join } from 'node:path';
import { launch, type ChildServer } from '../lib/server.ts';
import { scrapeLoopDelay } from './loop-metrics.ts';
import type { ClientEvents, Grid, Target, TargetOptions } from './types.ts';
import { connectAll, readUint, WsClient } from './ws-client.ts';

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

export async function startRelay(opts: TargetOptions): Promise<Target> {
  const script = join(import.meta.dirname, 'relay-server.ts');
  const start = (port: number) => launch(script, { PORT: String(port) }, /listening on (http:\S+)/, { cores: opts.cores, nodeFlags: opts.nodeFlags });
  let server: ChildServer = await start(opts.port ?? 0);
  const port = Number(new URL(server.url).port);
  const ws = () => server.url.replace(/^http/, 'ws');
  return {
    name: 'relay',
    get pid() {
      return server.pid;
    },
    get url() {
      return server.url;
    },
    async connect(grid: Grid, events: ClientEvents, c = {}) {
      const clients = [];
      for (let r = 0; r < grid.rooms; r++) for (let m = 0; m < grid.members; m++) clients.push(new RelayClient(ws(), r, m, events));
      return connectAll(clients, c.concurrency ?? 50, c.progress);
    },
    reconnect: (client) => (client as RelayClient).connect(true),
    loopDelay: () => scrapeLoopDelay(server.url),
    async crashAndRestart(downMs) {
      await server.kill();
      await new Promise((r) => setTimeout(r, downMs));
      server = await start(port);
      return { readyAt: performance.now() };
    },
    stop: () => server.stop(),
  };
}
