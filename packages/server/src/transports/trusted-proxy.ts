import { BlockList, isIP } from 'node:net';

/** The address ranges proxy-addr (Fastify's TRUST_PROXY) knows by name. */
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** An IPv4 peer as an IPv6 socket reports it (::ffff:1.2.3.4) is checked as the IPv4 address. */
const plain = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/**
 * Whether the peer a request came from is a proxy TRUST_PROXY trusts, the same rule the REST side
 * applies through Fastify: true trusts every peer, a hop count trusts the nearest hop, and a list
 * of addresses, CIDRs or the names loopback / linklocal / uniquelocal trusts those. Only then do
 * its X-Forwarded-* headers count.
 */
export function proxyTrust(setting: boolean | number | string): (peer: string | undefined) => boolean {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return () => setting >= 1;
  const list = new BlockList();
  for (const item of setting.split(',').map((s) => s.trim()).filter(Boolean)) {
    for (const entry of NAMED[item] ?? [item]) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(bits), type);
    }
  }
  return (peer) => {
    if (!peer) return false;
    const address = plain(peer);
    return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  };
}
