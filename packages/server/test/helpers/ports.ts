import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port picked: above the ports of the services a test machine runs (PostgreSQL, Redis, NATS, …). */
const LOWEST = 20_000;

/** The first port of the kernel's ephemeral range (Linux: ip_local_port_range; 32768 elsewhere too, IANA's is higher). */
function ephemeralStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

const bindable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/**
 * A free port on 127.0.0.1 for a server another process starts a moment later, taken below the
 * kernel's ephemeral range. A port the kernel gave to listen(0) and got back is an ephemeral one:
 * before the other process bound it, any test's outgoing connection could be given it as its
 * local port (CI: a gateway's start failed with EADDRINUSE on 42061 while other suites ran).
 * Below that range the kernel never hands a port out by itself; a random pick, checked, keeps
 * concurrent suites apart.
 */
export async function freePort(): Promise<number> {
  const end = ephemeralStart();
  for (let i = 0; i < 100; i++) {
    const port = LOWEST + Math.floor(Math.random() * (end - LOWEST));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${end}`);
}
