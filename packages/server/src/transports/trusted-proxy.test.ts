import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proxyTrust } from './trusted-proxy.ts';

describe('proxyTrust (TRUST_PROXY)', () => {
  it('trusts every peer, none, the nearest hop, or the listed addresses, CIDRs and named ranges', () => {
    assert.equal(proxyTrust(true)('203.0.113.9'), true);
    assert.equal(proxyTrust(false)('127.0.0.1'), false);
    assert.equal(proxyTrust(1)('203.0.113.9'), true);
    const list = proxyTrust('loopback, 10.1.0.0/16, 2001:db8::1');
    assert.equal(list('127.0.0.1'), true);
    assert.equal(list('::ffff:127.0.0.1'), true, 'an IPv4 peer on an IPv6 socket');
    assert.equal(list('::1'), true);
    assert.equal(list('10.1.200.3'), true);
    assert.equal(list('10.2.0.1'), false);
    assert.equal(list('2001:db8::1'), true);
    assert.equal(list('203.0.113.9'), false);
    assert.equal(list(undefined), false);
  });
});
