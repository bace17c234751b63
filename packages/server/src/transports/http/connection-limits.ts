import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

/** File descriptors kept for everything but client sockets (the database and its WAL, Redis, PostgreSQL's pool, logs), at most an eighth of the limit. */
const RESERVED_FDS = 256;
/** A flood refuses thousands of sockets a second: one warning per minute says so. */
const WARN_EVERY_MS = 60_000;

export interface ConnectionLimits {
  /** Open TCP connections (HTTP and upgraded WebSocket alike) one peer may hold. */
  perPeer: number;
  logger: Logger;
  /** Counts each refused connection, by reason. */
  onRefused: (reason: 'per_ip' | 'server_full') => void;
}

/**
 * The peer a connection is counted against: the IPv4 address, or the /64 of an IPv6 one (one
 * host's usual share: counting single IPv6 addresses would let it open 2^64 times the bound).
 * IPv4 clients of a dual-stack listener arrive as ::ffff:a.b.c.d and count as a.b.c.d.
 */
export function peerKey(address: string): string {
  if (isIPv4(address)) return address;
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return lower.slice(7);
  const [head = '', tail] = lower.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Bounds the sockets of the HTTP server (WebSockets are upgraded HTTP sockets, so they count
 * too): a peer past `perPeer` is destroyed as it connects, before a byte is parsed; and the whole
 * server stops accepting before the process runs out of file descriptors, so that a flood from
 * many addresses cannot take the database's files and connections with it (Node closes the
 * surplus at accept). Behind a reverse proxy the peer is the proxy: see the README.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  const fdLimit = openFileLimit();
  if (fdLimit !== undefined) server.maxConnections = fdLimit - Math.min(RESERVED_FDS, Math.floor(fdLimit / 8));

  const open = new Map<string, number>();
  let lastWarn = 0;
  let refusedSinceWarn = 0;
  const refused = (reason: 'per_ip' | 'server_full', peer: string | undefined) => {
    limits.onRefused(reason);
    refusedSinceWarn++;
    const now = Date.now();
    if (now - lastWarn < WARN_EVERY_MS) return;
    limits.logger.warn(
      { reason, peer, refused: refusedSinceWarn },
      reason === 'per_ip'
        ? `connections refused: a peer holds MAX_CONNECTIONS_PER_IP (${limits.perPeer})`
        : `connections refused: the server holds ${server.maxConnections} sockets`,
    );
    lastWarn = now;
    refusedSinceWarn = 0;
  };

  server.on('drop', (data?: { remoteAddress?: string }) => refused('server_full', data?.remoteAddress));
  // Prepended, so it runs before the HTTP server sets a parser up for the socket.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return; // already closed by its peer
    const key = peerKey(address);
    const count = (open.get(key) ?? 0) + 1;
    if (count > limits.perPeer) {
      socket.destroy();
      refused('per_ip', key);
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
}

/** The open-file limit of this process (Node raises the soft limit to the hard one at start); Linux only, undefined elsewhere or when unlimited. */
function openFileLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}
