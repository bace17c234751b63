import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { KeyRing } from './signing-keys.ts';
import { TokenService } from './tokens.ts';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const NOW = new Date('2026-12-05T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const clock = { now: () => NOW };
const ring = KeyRing.fixed(SECRET);
const kid = ring.current().id;
const tokens = new TokenService(ring, 3600, clock);
const key = new TextEncoder().encode(SECRET);

const code = async (fn: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

/** A token signed by an independent JWT library (jose) with our secret and these claims. */
const standard = (claims: Record<string, unknown>, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', kid }).sign(key);

describe('session tokens', () => {
  it('verifies what it issues, naming its key (kid) and its session (sid)', async () => {
    const { token, expiresAt } = tokens.issue({ userId: 'u1', tokenVersion: 3, sessionId: 's-u1' });
    assert.deepEqual(await tokens.verify(token), { userId: 'u1', tokenVersion: 3, sessionId: 's-u1' });
    assert.equal(expiresAt, new Date(NOW.getTime() + 3600_000).toISOString());
  });

  it('accepts a standard HS256 JWT with every claim, so tokens are real JWTs', async () => {
    const token = await standard({ sub: 'u2', tv: 0, sid: 's2', iss: 'rooms', iat: nowSeconds, exp: nowSeconds + 60 });
    assert.deepEqual(await tokens.verify(token), { userId: 'u2', tokenVersion: 0, sessionId: 's2' });
    const noSession = await standard({ sub: 'u2', tv: 0, iss: 'rooms', iat: nowSeconds, exp: nowSeconds + 60 });
    assert.equal(
      await code(() => tokens.verify(noSession)),
      'unauthenticated',
      'a token of no session (issued before sessions) is refused',
    );
    const unknownKey = new SignJWT({ sub: 'u2', tv: 0, sid: 's2', iss: 'rooms', exp: nowSeconds + 60 })
      .setProtectedHeader({ alg: 'HS256', kid: 'another' })
      .sign(key);
    assert.equal(await code(async () => tokens.verify(await unknownKey)), 'unauthenticated');
  });

  it('refuses a correctly signed token without an expiry (it would be valid forever)', async () => {
    const token = await standard({ sub: 'u2', tv: 0, sid: 's2', iss: 'rooms', iat: nowSeconds });
    assert.equal(await code(() => tokens.verify(token)), 'unauthenticated');
  });

  it('refuses expired, not-yet-valid, foreign-issuer and claim-less tokens', async () => {
    const expired = new TokenService(ring, 60, { now: () => new Date(NOW.getTime() - 61_000) }).issue({
      userId: 'u',
      tokenVersion: 0,
      sessionId: 's-u',
    }).token;
    assert.equal(await code(() => tokens.verify(expired)), 'token_expired');
    const later = await standard({ sub: 'u', tv: 0, sid: 's', iss: 'rooms', exp: nowSeconds + 60, nbf: nowSeconds + 30 });
    assert.equal(await code(() => tokens.verify(later)), 'unauthenticated');
    const foreign = await standard({ sub: 'u', tv: 0, sid: 's', iss: 'elsewhere', exp: nowSeconds + 60 });
    assert.equal(await code(() => tokens.verify(foreign)), 'unauthenticated');
    const noVersion = await standard({ sub: 'u', sid: 's', iss: 'rooms', exp: nowSeconds + 60 });
    assert.equal(await code(() => tokens.verify(noVersion)), 'unauthenticated');
  });

  it('refuses other algorithms, "none", a wrong key and an altered signature', async () => {
    const claims = { sub: 'u', tv: 0, sid: 's', iss: 'rooms', exp: nowSeconds + 60 };
    const hs512 = await standard(claims, 'HS512');
    assert.equal(await code(() => tokens.verify(hs512)), 'unauthenticated');
    const body = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${body({ alg: 'none', typ: 'JWT', kid })}.${body(claims)}.`;
    assert.equal(await code(() => tokens.verify(none)), 'unauthenticated');
    // "none" spelled as HS256 but signed with another key.
    const signedElsewhere = `${body({ alg: 'HS256', kid })}.${body(claims)}`;
    const otherKey = `${signedElsewhere}.${createHmac('sha256', 'another-secret-another-secret-another').update(signedElsewhere).digest('base64url')}`;
    assert.equal(await code(() => tokens.verify(otherKey)), 'unauthenticated');
    const { token } = tokens.issue({ userId: 'u', tokenVersion: 0, sessionId: 's-u' });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    assert.equal(await code(() => tokens.verify(token.slice(0, -1) + last)), 'unauthenticated');
    assert.equal(await code(() => tokens.verify(`${token}.extra`)), 'unauthenticated');
    assert.equal(await code(() => tokens.verify('x'.repeat(5000))), 'unauthenticated');
  });
});
