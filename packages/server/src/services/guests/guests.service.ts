import { randomBytes } from 'node:crypto';
import type { MeView } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { UserRow } from '../../store/types.ts';
import { isActive } from '../users/active-user.ts';
import { toMe } from '../users/user-presenter.ts';

export interface GuestsDeps {
  store: Store;
  clock: Clock;
  /** Days a guest may stay idle before the purge job removes it (GUEST_IDLE_DAYS). */
  idleDays: number;
}

/** A gateway's anonymous identity: which gateway, and its own stable token (bubble's ?bubble=<uuid>). */
const IDENTITY = /^[a-z][a-z0-9_-]{0,19}:[\w.:-]{1,200}$/;
const GUEST_NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const DAY_MS = 24 * 3600 * 1000;

const guestUsername = (): string =>
  `guest_${[...randomBytes(12)].map((b) => GUEST_NAME_ALPHABET[b % GUEST_NAME_ALPHABET.length]).join('')}`;

/** Thrown inside the transaction to roll back when another node made the same guest first. */
class IdentityTaken extends Error {}

/**
 * Guest accounts (issue 18): what a gateway gets for an anonymous identity. An ordinary user in
 * every rule (rate limits, blocks, rooms), without a password (so no login is possible), never an
 * admin, and purged after GUEST_IDLE_DAYS without a visit. No REST route creates one.
 */
export class GuestsService {
  private readonly d: GuestsDeps;

  constructor(deps: GuestsDeps) {
    this.d = deps;
  }

  /**
   * The guest of this identity (e.g. "bubble:<uuid>"), made on first sight; the same account on
   * every reconnect, which also counts as activity. The actor acts as that user through any service.
   */
  async getOrCreate(
    identity: string,
    opts: { ip: string; displayName?: string },
  ): Promise<{ actor: Actor; user: MeView; created: boolean }> {
    if (!IDENTITY.test(identity)) throw new DomainError('validation_failed', 'A guest identity is "<gateway>:<token>".');
    const now = this.d.clock.now().toISOString();
    let created = false;
    let user = await this.existing(identity, now);
    for (let attempt = 0; !user && attempt < 3; attempt++) {
      try {
        user = await this.d.store.transaction(async (tx) => {
          const username = guestUsername();
          const made = await tx.guests.create(
            {
              id: newId(),
              username,
              email: null,
              password_hash: null,
              display_name: opts.displayName ?? username,
              avatar_url: null,
              bio: null,
              website: null,
              status_message: null,
              created_at: now,
            },
            identity,
            now,
          );
          if (!made) throw new IdentityTaken();
          return made;
        });
        created = true;
      } catch (err) {
        if (!(err instanceof IdentityTaken)) throw err;
        user = await this.existing(identity, now);
      }
    }
    if (!user) throw new DomainError('conflict', 'The guest account could not be made. Try again.');
    if (!isActive(user)) throw new DomainError('forbidden', 'This guest account was closed by an admin.');
    return {
      actor: { id: user.id, isAdmin: false, tokenVersion: user.token_version, ip: opts.ip },
      user: { ...toMe(user, { profile: [], counts: await this.d.store.follows.counts(user.id), today: this.d.clock.now() }), guest: true },
      created,
    };
  }

  /** Counts as a visit (the gateway calls it on activity), postponing the purge. */
  async touch(userId: string): Promise<void> {
    await this.d.store.guests.touch(userId, this.d.clock.now().toISOString());
  }

  /** Purges guests idle for GUEST_IDLE_DAYS; returns how many. Run by the periodic job. */
  async purgeIdle(batch = 100): Promise<number> {
    const before = new Date(this.d.clock.now().getTime() - this.d.idleDays * DAY_MS).toISOString();
    let purged = 0;
    for (;;) {
      const ids = await this.d.store.guests.listIdle(before, batch);
      for (const id of ids) {
        await this.d.store.transaction(async (tx) => {
          await tx.users.purge(id, this.d.clock.now().toISOString());
          await tx.guests.remove(id);
        });
      }
      purged += ids.length;
      if (ids.length < batch) return purged;
    }
  }

  private async existing(identity: string, now: string): Promise<UserRow | undefined> {
    const g = await this.d.store.guests.findByIdentity(identity);
    if (!g) return undefined;
    await this.d.store.guests.touch(g.user_id, now);
    return this.d.store.users.findById(g.user_id);
  }
}
