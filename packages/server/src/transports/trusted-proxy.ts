import proxyAddr from '@fastify/proxy-addr';

/**
 * Whether the peer a request came from is a proxy TRUST_PROXY trusts: the rule Fastify applies to
 * REST requests, built the same way from the same library (proxy-addr), for the WebSocket upgrade
 * that Fastify never sees. true trusts every peer, a hop count the nearest hop, and a list of
 * addresses, CIDRs or the names loopback / linklocal / uniquelocal those. Only then do its
 * X-Forwarded-* headers count.
 */
export function proxyTrust(setting: boolean | number | string): (peer: string | undefined) => boolean {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return () => setting >= 1;
  const trusted = proxyAddr.compile(
    setting
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return (peer) => peer !== undefined && trusted(peer, 0);
}
