import net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** Forwards nothing either way. */
  silent: boolean;
  /** Forwards nothing from the server. */
  repliesHeld: boolean;
}

/**
 * A TCP proxy in front of the server, to break the network under a client: cut() resets every
 * connection (the client sees it at once), down() also refuses new ones until up(), and
 * blackhole() keeps connections open but forwards nothing (only a heartbeat notices).
 */
export class TcpProxy {
  url = '';
  private readonly server: net.Server;
  private readonly pairs = new Set<Pair>();
  private refusing = false;

  private constructor(target: string) {
    const { hostname, port } = new URL(target);
    this.server = net.createServer((client) => this.accept(client, hostname, Number(port)));
  }

  static async start(target: string): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as net.AddressInfo).port}`;
    return proxy;
  }

  /** Resets every open connection, both sides. */
  cut(): void {
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Cuts, and refuses every new connection until up(). */
  down(): void {
    this.refusing = true;
    this.cut();
  }

  up(): void {
    this.refusing = false;
  }

  /** The open connections stay open but carry nothing, either way (a silently dead network); new ones work. */
  blackhole(): void {
    for (const p of this.pairs) p.silent = true;
  }

  /** On the open connections, the server's answers are dropped; what the client sends still arrives. */
  holdReplies(): void {
    for (const p of this.pairs) p.repliesHeld = true;
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, host: string, port: number): void {
    if (this.refusing) return void client.resetAndDestroy();
    const upstream = net.connect(port, host);
    const pair: Pair = { client, upstream, silent: false, repliesHeld: false };
    this.pairs.add(pair);
    client.on('data', (d) => void (!pair.silent && upstream.write(d)));
    upstream.on('data', (d) => void (!pair.silent && !pair.repliesHeld && client.write(d)));
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('close', end);
      s.on('error', () => {});
    }
  }
}
