import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';

export type Variant = 'original' | 'thumbnail';

/**
 * Who a signed URL was made for. `user`: one reader (REST views); the download checks that this
 * user may still read the attachment. `room`: every member of a room (events, which are encoded
 * once for all their subscribers); the download checks the attachment is still posted there.
 */
export type UrlSubject = { user: string } | { room: string };

export interface SignedGrant {
  id: string;
  variant: Variant;
  subject: UrlSubject;
  expiresAt: Date;
}

/** Expiries are rounded up to this step, so a URL stays the same string for a while (browser caches). */
const STEP_SECONDS = 600;

/**
 * Short-lived signed download URLs: an HMAC-SHA256 (key derived from the server secret) over the
 * attachment id, the variant, the subject and the expiry. Relative URLs (the API's own origin).
 */
export class UrlSigner {
  private readonly key: Buffer;
  private readonly clock: Clock;
  private readonly ttlSeconds: number;

  constructor(secret: string, clock: Clock, ttlSeconds: number) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'rooms', 'attachment download urls v1', 32));
    this.clock = clock;
    this.ttlSeconds = ttlSeconds;
  }

  /** When URLs signed now expire: at least ttl from now, rounded up to the step. */
  expiry(): Date {
    const t = Math.ceil((this.clock.now().getTime() / 1000 + this.ttlSeconds) / STEP_SECONDS) * STEP_SECONDS;
    return new Date(t * 1000);
  }

  url(id: string, variant: Variant, subject: UrlSubject, expiresAt: Date): string {
    const sub = subjectText(subject);
    const exp = Math.floor(expiresAt.getTime() / 1000);
    const path = variant === 'thumbnail' ? `/attachments/${id}/thumbnail` : `/attachments/${id}`;
    return `${path}?sub=${sub}&exp=${exp}&sig=${this.sign(id, variant, sub, exp)}`;
  }

  /** The grant a URL's query carries, or null when it is forged, malformed or expired. */
  verify(
    id: string,
    variant: Variant,
    q: { sub?: string | undefined; exp?: string | undefined; sig?: string | undefined },
  ): SignedGrant | null {
    if (!q.sub || !q.exp || !q.sig || !/^\d{1,12}$/.test(q.exp)) return null;
    const subject = parseSubject(q.sub);
    if (!subject) return null;
    const exp = Number(q.exp);
    const want = Buffer.from(this.sign(id, variant, q.sub, exp));
    const got = Buffer.from(q.sig);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
    if (exp * 1000 <= this.clock.now().getTime()) return null;
    return { id, variant, subject, expiresAt: new Date(exp * 1000) };
  }

  private sign(id: string, variant: Variant, sub: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${id}\n${variant}\n${sub}\n${exp}`).digest('base64url');
  }
}

const subjectText = (s: UrlSubject): string => ('user' in s ? `u.${s.user}` : `r.${s.room}`);

function parseSubject(text: string): UrlSubject | null {
  const m = /^([ur])\.([0-9a-f-]{36})$/.exec(text);
  if (!m) return null;
  return m[1] === 'u' ? { user: m[2]! } : { room: m[2]! };
}
