import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../../domain/errors.ts';
import { BoundedQueue } from '../../limits/bounded-queue.ts';
import { BcryptPool } from './bcrypt-pool.ts';

/**
 * bcrypt reads only the first 72 bytes of its input, and passwords may be 128 characters of any
 * script. Each password is first reduced to a fixed 44-character HMAC-SHA256 (base64), keyed with
 * a constant of this application so that a digest leaked elsewhere cannot be replayed here.
 */
const prehash = (password: string): string => createHmac('sha256', 'rooms/password/v1').update(password.normalize('NFC')).digest('base64');

export interface PasswordHasherOptions {
  cost: number;
  /** Hashes computed at once: bcrypt threads of their own (a lower CPU priority than the event loop). */
  concurrency: number;
  /** Hashes that may wait for a thread; one more is refused with server_busy (503 + Retry-After). */
  maxWaiting: number;
}

const busy = (retryAfterSeconds: number) =>
  new DomainError('server_busy', 'The server is busy checking passwords. Try again in a moment.', { retryAfterSeconds });

/**
 * bcrypt hashes and checks, through one bounded line (BoundedQueue) to a fixed set of low-priority
 * threads (BcryptPool): sign-ups, logins and password changes share them, a flood past the line is
 * refused at once rather than queued behind everyone's work, and none of it runs on libuv's thread
 * pool (which file and DNS work share) or at the event loop's priority.
 */
export class PasswordHasher {
  private readonly cost: number;
  private readonly line: BoundedQueue;
  private readonly pool: BcryptPool;
  private dummy: Promise<string> | undefined;

  constructor(opts: PasswordHasherOptions) {
    this.cost = opts.cost;
    this.line = new BoundedQueue({ concurrency: opts.concurrency, maxWaiting: opts.maxWaiting, busy });
    this.pool = new BcryptPool(opts.concurrency);
  }

  /** `client` (the caller's IP) takes its turns in the line fairly with other clients. */
  hash(password: string, client?: string): Promise<string> {
    return this.line.run(() => this.pool.hash(prehash(password), this.cost), { client });
  }

  async verify(password: string, hash: string | null, client?: string): Promise<boolean> {
    return (await this.verifyEach(password, [hash], client))[0]!;
  }

  /**
   * Checks one password against several hashes (accounts sharing an email), one turn of the line
   * each: a login that costs five checks waits five turns, and others' single checks go between.
   */
  async verifyEach(password: string, hashes: readonly (string | null)[], client?: string): Promise<boolean[]> {
    const input = prehash(password);
    const results: boolean[] = [];
    for (const h of hashes) results.push((await this.line.run(() => this.pool.compare(input, [h ?? '']), { client }))[0]!);
    return results;
  }

  /** Stops the bcrypt threads. */
  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * Answers "no" to a login for an account that does not exist, in the time a real check takes, so
   * unknown names cannot be told apart: it waits its turn in the same line and is refused the same
   * way when the line is full, then waits as long as a check takes — but spends no CPU on it. A
   * flood of made-up names (the cheapest attack on a login form) then costs the server nothing.
   */
  async verifyNothing(password: string, client?: string): Promise<false> {
    if (this.line.typicalMs === 0) {
      // Nothing measured yet: one real check against a throwaway hash gives the line its first figure.
      this.dummy ??= this.hash(randomBytes(16).toString('hex')).catch((err: unknown) => {
        this.dummy = undefined;
        throw err;
      });
      await this.verifyEach(password, [await this.dummy], client);
      return false;
    }
    await this.line.pass(client);
    await sleep(this.line.typicalMs);
    return false;
  }
}
