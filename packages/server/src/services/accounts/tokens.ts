import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { KeyRing } from './signing-keys.ts';

const ISSUER = 'rooms';
/** The only algorithm Rooms signs with, and so the only one it accepts: HS256 (never "none" nor any other). */
const ALGORITHM = 'HS256';
/** A token longer than this is not one of ours: refused before any work. */
const MAX_TOKEN_LENGTH = 2048;

export interface TokenClaims {
  userId: string;
  tokenVersion: number;
  /** The session (one login) the token belongs to. */
  sessionId: string;
}

const invalid = () => new DomainError('unauthenticated', 'The token is not valid.');

/**
 * Signs and checks session tokens: JWT (RFC 7519) HS256, computed with a synchronous HMAC on the
 * event loop. Every authenticated request checks a token, and the asynchronous WebCrypto HMAC runs
 * on libuv's thread pool — the pool bcrypt uses: a flood of logins queued every signed-in request
 * behind password hashes (GET /auth/me went from 2 ms to 2.5 s). A synchronous HMAC-SHA256 of a
 * token costs a few microseconds, less than the hop to the pool.
 */
export class TokenService {
  private readonly keys: KeyRing;
  private readonly ttlSeconds: number;
  private readonly clock: Clock;

  constructor(keys: KeyRing, ttlSeconds: number, clock: Clock) {
    this.keys = keys;
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
  }

  /** A token signed with the current key, which names it (kid) so any node can verify it after a rotation. */
  issue(claims: TokenClaims): { token: string; expiresAt: string } {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const exp = now + this.ttlSeconds;
    const key = this.keys.current();
    const header = Buffer.from(JSON.stringify({ alg: ALGORITHM, typ: 'JWT', kid: key.id })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ tv: claims.tokenVersion, sub: claims.userId, sid: claims.sessionId, iss: ISSUER, iat: now, exp }),
    ).toString('base64url');
    const signed = `${header}.${payload}`;
    return { token: `${signed}.${sign(key.secret, signed)}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /**
   * The claims of a valid, unexpired token; DomainError token_expired or unauthenticated otherwise.
   * A token must carry every claim Rooms issues (sub, tv, iss, exp): one signed without an expiry
   * would be valid forever.
   */
  async verify(token: string): Promise<TokenClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw invalid();
    const parts = token.split('.');
    if (parts.length !== 3) throw invalid();
    const [header, payload, signature] = parts as [string, string, string];
    // The header only names the key; nothing in it is trusted before the signature is checked.
    const kid = parseJson(header)?.kid;
    const key = typeof kid === 'string' && kid.length <= 64 ? await this.keys.find(kid) : undefined;
    if (!key) throw invalid();
    // Compared as text: base64url decoding ignores stray characters, so bytes would let a
    // token with an altered signature pass as the same token.
    const given = Buffer.from(signature);
    const expected = Buffer.from(sign(key.secret, `${header}.${payload}`));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    // Signed by us, so these parse; the checks still guard against a leaked key's odd tokens.
    const h = parseJson(header);
    if (h?.alg !== ALGORITHM || h.crit !== undefined) throw invalid();
    const p = parseJson(payload);
    if (
      !p ||
      typeof p.sub !== 'string' ||
      typeof p.tv !== 'number' ||
      typeof p.sid !== 'string' ||
      p.iss !== ISSUER ||
      typeof p.exp !== 'number'
    )
      throw invalid();
    const now = this.clock.now().getTime() / 1000;
    if (typeof p.nbf === 'number' && p.nbf > now) throw invalid();
    if (p.exp <= now) throw new DomainError('token_expired', 'Your session has expired. Log in again.');
    return { userId: p.sub, tokenVersion: p.tv, sessionId: p.sid };
  }
}

const sign = (secret: Buffer, data: string): string => createHmac('sha256', secret).update(data).digest('base64url');

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
