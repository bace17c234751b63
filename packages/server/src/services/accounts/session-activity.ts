import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { SessionRow } from '../../store/types.ts';

/** A session's last use is recorded to this precision: a busy client costs one write a minute, not one per request. */
export const LAST_USED_PRECISION_MS = 60_000;
/** How often the uses noted are written, together. */
const FLUSH_MS = 15_000;

/**
 * Coalesces the "last used" writes of sessions: every authenticated request notes its session,
 * and a session whose stored last use is older than LAST_USED_PRECISION_MS is written at the next
 * flush, with every other such session, in one transaction.
 */
export class SessionActivity {
  private readonly due = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly onError: (err: unknown) => void;

  constructor(store: Store, clock: Clock, onError: (err: unknown) => void = () => {}) {
    this.store = store;
    this.clock = clock;
    this.onError = onError;
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** The session was used now. */
  used(session: SessionRow): void {
    const now = this.clock.now();
    if (now.getTime() - Date.parse(session.last_used_at) < LAST_USED_PRECISION_MS) return;
    this.due.set(session.id, now.toISOString());
  }

  /** Writes the uses noted so far (also at shutdown). */
  async flush(): Promise<void> {
    if (this.due.size === 0) return;
    const uses = [...this.due].map(([id, lastUsedAt]) => ({ id, lastUsedAt }));
    this.due.clear();
    await this.store.transaction((tx) => tx.sessions.touch(uses)).catch(this.onError);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** "Firefox on Linux", "Chrome on Android", "curl": what a person recognises of a User-Agent. */
export function describeDevice(userAgent: string | undefined | null): string | null {
  if (!userAgent) return null;
  const ua = userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : /^curl\//.test(ua)
              ? 'curl'
              : /^node|undici/i.test(ua)
                ? 'Node.js'
                : undefined;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : undefined;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? ua.slice(0, 60);
}
