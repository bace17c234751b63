import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { SigningKeyRow } from '../../store/types.ts';

export interface SigningKey {
  /** The token header's kid. */
  id: string;
  secret: Buffer;
}

/** Reloads for an unknown kid at most this often: a flood of made-up kids costs one query a second. */
const LOOKUP_INTERVAL_MS = 1000;
/** How often a node rereads the keys, so a rotation made elsewhere starts signing here too. */
const REFRESH_MS = 60_000;

const FIRST_KEY_ID = 'k0';

const newKey = (now: string): SigningKeyRow => ({
  id: randomBytes(12).toString('base64url'),
  secret: randomBytes(48).toString('base64url'),
  created_at: now,
  retired_at: null,
});

/**
 * The keys that sign and verify session tokens. With JWT_SECRET configured, that one key. Without,
 * the keys kept in the database, shared by every node: the newest unretired one signs, every kept
 * one verifies (a retired key until the tokens it signed have expired). A node learns of a key
 * another node made (a rotation) when a token names it, and within a minute in any case.
 */
export class KeyRing {
  private keys = new Map<string, SigningKey>();
  private signing!: SigningKey;
  /** The oldest key's secret: what secrets derived once for the server (setup token, URL signatures) come from. */
  base = '';
  private readonly store: Store | undefined;
  private lastLoad = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(store: Store | undefined) {
    this.store = store;
  }

  /** The ring of one configured secret (JWT_SECRET): its kid is derived from it, so nodes sharing it agree. */
  static fixed(secret: string): KeyRing {
    const ring = new KeyRing(undefined);
    ring.use([
      { id: `c${createHash('sha256').update(secret).digest('base64url').slice(0, 15)}`, secret, created_at: '', retired_at: null },
    ]);
    return ring;
  }

  /**
   * The ring kept in the database; its first key is made now when there is none (a key kept by an
   * older version in DATA_DIR/secrets.json is taken over as that first key). Rereads every minute.
   */
  static async open(store: Store, clock: Clock, keptSecret?: string): Promise<KeyRing> {
    const ring = new KeyRing(store);
    let rows = await store.signingKeys.list();
    if (rows.length === 0) {
      // The first key has a fixed id: nodes starting together on an empty database race to add
      // it, one wins (the others' adds do nothing), and every node reads the winner's.
      const first = { ...newKey(clock.now().toISOString()), id: FIRST_KEY_ID };
      await store.signingKeys.add(keptSecret ? { ...first, secret: keptSecret } : first);
      rows = await store.signingKeys.list();
    }
    ring.use(rows);
    ring.timer = setInterval(() => void ring.reload().catch(() => undefined), REFRESH_MS);
    ring.timer.unref();
    return ring;
  }

  /** The key new tokens are signed with. */
  current(): SigningKey {
    return this.signing;
  }

  /** The key of this kid, if it is kept (read again from the database when not known here yet). */
  async find(kid: string): Promise<SigningKey | undefined> {
    const known = this.keys.get(kid);
    if (known || !this.store || Date.now() - this.lastLoad < LOOKUP_INTERVAL_MS) return known;
    await this.reload();
    return this.keys.get(kid);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async reload(): Promise<void> {
    this.lastLoad = Date.now();
    const rows = await this.store!.signingKeys.list();
    if (rows.length > 0) this.use(rows);
  }

  private use(rows: SigningKeyRow[]): void {
    this.lastLoad = Date.now();
    this.keys = new Map(rows.map((r) => [r.id, { id: r.id, secret: Buffer.from(r.secret, 'utf8') }]));
    const active = rows.filter((r) => r.retired_at === null);
    const signing = (active.length > 0 ? active : rows).at(-1)!;
    this.signing = this.keys.get(signing.id)!;
    this.base = rows[0]!.secret;
  }
}

/**
 * `rooms admin rotate-keys`: a new key signs from now on; the others are retired, and still verify
 * the tokens they signed until those expire (tokenTtlSeconds); keys retired longer ago than that
 * are deleted.
 */
export async function rotateKeys(
  store: Store,
  clock: Clock,
  tokenTtlSeconds: number,
): Promise<{ id: string; retired: number; deleted: number }> {
  const now = clock.now();
  const key = newKey(now.toISOString());
  return store.transaction(async (tx) => {
    await tx.signingKeys.add(key);
    const retired = await tx.signingKeys.retireAllBut(key.id, key.created_at);
    // A node signs with a retired key until it rereads the keys (REFRESH_MS): margin for that.
    const deleted = await tx.signingKeys.deleteRetiredBefore(
      new Date(now.getTime() - tokenTtlSeconds * 1000 - 2 * REFRESH_MS).toISOString(),
    );
    return { id: key.id, retired, deleted };
  });
}
