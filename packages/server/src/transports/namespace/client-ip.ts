import proxyAddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';

/**
 * The client's address as REST sees it (Fastify's rule for TRUST_PROXY): behind a trusted proxy,
 * from X-Forwarded-For. The login lockout and the per-IP bounds count this address, so that the
 * clients of a proxy are not all one client, and a REST login and a gateway request are the same one.
 */
export function clientIpOf(setting: boolean | number | string): (req: IncomingMessage) => string {
  const trust: (addr: string, i: number) => boolean =
    setting === true
      ? () => true
      : setting === false
        ? () => false
        : typeof setting === 'number'
          ? (_addr, i) => i < setting
          : proxyAddr.compile(
              setting
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            );
  return (req) => proxyAddr(req, trust) ?? req.socket.remoteAddress ?? '';
}
