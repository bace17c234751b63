import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../domain/ids.ts';
import { ManualClock } from '../../ports/clock.ts';
import { UrlSigner } from './signed-urls.ts';

const query = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams) as { sub?: string; exp?: string; sig?: string };

describe('signed attachment URLs', () => {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const signer = new UrlSigner('a-server-secret-of-at-least-32-characters!', clock, 3600);
  const id = newId();
  const user = newId();

  it('verifies its own URL, for its attachment, variant and subject only, until it expires', () => {
    const exp = signer.expiry();
    assert.ok(exp.getTime() - clock.now().getTime() >= 3600_000 && exp.getTime() - clock.now().getTime() <= 4200_000);
    const url = signer.url(id, 'original', { user }, exp);
    assert.match(url, new RegExp(`^/attachments/${id}\\?sub=u\\.${user}&exp=\\d+&sig=[\\w-]+$`));
    assert.deepEqual(signer.verify(id, 'original', query(url))?.subject, { user });
    assert.equal(signer.verify(id, 'thumbnail', query(url)), null, 'another variant');
    assert.equal(signer.verify(newId(), 'original', query(url)), null, 'another attachment');
    assert.equal(signer.verify(id, 'original', { ...query(url), sub: `u.${newId()}` }), null, 'another reader');
    assert.equal(signer.verify(id, 'original', { ...query(url), exp: String(Number(query(url).exp) + 3600) }), null, 'a longer life');
    assert.equal(
      signer.verify(id, 'original', { ...query(url), sig: query(url).sig!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }),
      null,
      'a forged signature',
    );
    assert.equal(signer.verify(id, 'original', { sub: query(url).sub }), null, 'missing parts');
    const other = new UrlSigner('another-server-secret-of-32-characters!!', clock, 3600);
    assert.equal(other.verify(id, 'original', query(url)), null, "another server's key");
    clock.advance(exp.getTime() - clock.now().getTime());
    assert.equal(signer.verify(id, 'original', query(url)), null, 'expired');
  });

  it('signs for a room, and keeps the same URL within a step (cacheable)', () => {
    const room = newId();
    const clock = new ManualClock('2026-03-01T10:00:01.000Z');
    const signer = new UrlSigner('a-server-secret-of-at-least-32-characters!', clock, 3600);
    const a = signer.url(id, 'thumbnail', { room }, signer.expiry());
    clock.advance(1000);
    const b = signer.url(id, 'thumbnail', { room }, signer.expiry());
    assert.equal(a, b);
    assert.deepEqual(signer.verify(id, 'thumbnail', query(a))?.subject, { room });
  });
});
