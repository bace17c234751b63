import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { TokenService } from './tokens.ts';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const NOW = new Date('2026-12-05T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const clock = { now: () => NOW };
const tokens = new TokenService(SECRET, 3600, clock);
const key = new TextEncoder().encode(SECRET);

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

/** A token signed by an independent JWT library (jose) with our secret and these claims. */
const standard = (claims: Record<string, unknown>, alg = 'HS256') => new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);

describe('session tokens', () => {
  it('verifies what it issues, synchronously', () => {
    const { token, expiresAt } = tokens.issue({ userId: 'u1', tokenVersion: 3 });
    assert.deepEqual(tokens.verify(token), { userId: 'u1', tokenVersion: 3 });
    assert.equal(expiresAt, new Date(NOW.getTime() + 3600_000).toISOString());
  });

  it('accepts a standard HS256 JWT with every claim, so tokens are real JWTs', async () => {
    const token = await standard({ sub: 'u2', tv: 0, iss: 'rooms', iat: nowSeconds, exp: nowSeconds + 60 });
    assert.deepEqual(tokens.verify(token), { userId: 'u2', tokenVersion: 0 });
  });

  it('refuses a correctly signed token without an expiry (it would be valid forever)', async () => {
    const token = await standard({ sub: 'u2', tv: 0, iss: 'rooms', iat: nowSeconds });
    assert.equal(code(() => tokens.verify(token)), 'unauthenticated');
  });

  it('refuses expired, not-yet-valid, foreign-issuer and claim-less tokens', async () => {
    const expired = new TokenService(SECRET, 60, { now: () => new Date(NOW.getTime() - 61_000) }).issue({ userId: 'u', tokenVersion: 0 }).token;
    assert.equal(code(() => tokens.verify(expired)), 'token_expired');
    const later = await standard({ sub: 'u', tv: 0, iss: 'rooms', exp: nowSeconds + 60, nbf: nowSeconds + 30 });
    assert.equal(code(() => tokens.verify(later)), 'unauthenticated');
    const foreign = await standard({ sub: 'u', tv: 0, iss: 'elsewhere', exp: nowSeconds + 60 });
    assert.equal(code(() => tokens.verify(foreign)), 'unauthenticated');
    const noVersion = await standard({ sub: 'u', iss: 'rooms', exp: nowSeconds + 60 });
    assert.equal(code(() => tokens.verify(noVersion)), 'unauthenticated');
  });

  it('refuses other algorithms, "none", a wrong key and an altered signature', async () => {
    const claims = { sub: 'u', tv: 0, iss: 'rooms', exp: nowSeconds + 60 };
    const hs512 = await standard(claims, 'HS512');
    assert.equal(code(() => tokens.verify(hs512)), 'unauthenticated');
    const body = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${body({ alg: 'none', typ: 'JWT' })}.${body(claims)}.`;
    assert.equal(code(() => tokens.verify(none)), 'unauthenticated');
    // "none" spelled as HS256 but signed with another key.
    const signedElsewhere = `${body({ alg: 'HS256' })}.${body(claims)}`;
    const otherKey = `${signedElsewhere}.${createHmac('sha256', 'another-secret-another-secret-another').update(signedElsewhere).digest('base64url')}`;
    assert.equal(code(() => tokens.verify(otherKey)), 'unauthenticated');
    const { token } = tokens.issue({ userId: 'u', tokenVersion: 0 });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    assert.equal(code(() => tokens.verify(token.slice(0, -1) + last)), 'unauthenticated');
    assert.equal(code(() => tokens.verify(`${token}.extra`)), 'unauthenticated');
    assert.equal(code(() => tokens.verify('x'.repeat(5000))), 'unauthenticated');
  });
});
