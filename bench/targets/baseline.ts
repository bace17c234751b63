/** What both baselines share: a child server script, one client per member, crash and restart on the same port. */
import { launch, type ChildServer } from '../lib/server.ts';
import { scrapeLoopDelay } from './loop-metrics.ts';
import type { ClientEvents, Target, TargetName, TargetOptions } from './types.ts';
import { connectAll, type WsClient } from './ws-client.ts';

type ClientFactory = (base: string, room: number, member: number, events: ClientEvents) => WsClient;

export async function startBaseline(
  name: TargetName,
  script: string,
  newClient: ClientFactory,
  opts: TargetOptions,
  env: Record<string, string> = {},
): Promise<Target> {
  const start = (port: number) =>
    launch(script, { ...env, PORT: String(port) }, /listening on (http:\S+)/, {
      cores: opts.cores,
      nodeFlags: opts.nodeFlags,
      perfDir: opts.perfDir,
    });
  let server: ChildServer = await start(opts.port ?? 0);
  const port = Number(new URL(server.url).port);
  const ws = () => server.url.replace(/^http/, 'ws');
  return {
    name,
    get pid() {
      return server.pid;
    },
    get url() {
      return server.url;
    },
    async connect(grid, events, c = {}) {
      const clients: WsClient[] = [];
      for (let r = 0; r < grid.rooms; r++) for (let m = 0; m < grid.members; m++) clients.push(newClient(ws(), r, m, events));
      return connectAll(clients, c.concurrency ?? 50, c.progress);
    },
    reconnect: (client) => (client as WsClient).connect(true),
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
