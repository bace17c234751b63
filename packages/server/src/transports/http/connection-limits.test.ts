import assert from 'node:assert/strict';
import { it } from 'node:test';
import { peerKey } from './connection-limits.ts';

it('counts an IPv4 address as itself, also when a dual-stack listener reports it IPv4-mapped', () => {
  assert.equal(peerKey('203.0.113.7'), '203.0.113.7');
  assert.equal(peerKey('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(peerKey('::FFFF:203.0.113.7'), '203.0.113.7');
});

it('counts an IPv6 address by its /64, however it is written', () => {
  const key = '2001:db8:0:1::/64';
  for (const a of [
    '2001:db8:0:1::1',
    '2001:0db8:0000:0001:ffff:ffff:ffff:ffff',
    '2001:DB8:0:1:a::b',
    '2001:db8::1:0:0:0:1',
    '2001:db8:0:1::1%eth0',
  ]) {
    assert.equal(peerKey(a), key, a);
  }
  assert.notEqual(peerKey('2001:db8:0:2::1'), key);
  assert.equal(peerKey('::1'), '0:0:0:0::/64');
  assert.equal(peerKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
});
