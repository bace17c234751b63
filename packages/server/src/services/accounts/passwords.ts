import bcrypt from 'bcrypt';
import { createHmac, randomBytes } from 'node:crypto';

/**
 * bcrypt reads only the first 72 bytes of its input, and passwords may be 128 characters of any
 * script. Each password is first reduced to a fixed 44-character HMAC-SHA256 (base64), keyed with
 * a constant of this application so that a digest leaked elsewhere cannot be replayed here.
 * bcrypt's async calls run on libuv's thread pool, off the event loop.
 */
const prehash = (password: string): string => createHmac('sha256', 'rooms/password/v1').update(password.normalize('NFC')).digest('base64');

export class PasswordHasher {
  private readonly cost: number;
  private dummy: Promise<string> | undefined;

  constructor(cost: number) {
    this.cost = cost;
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(prehash(password), this.cost);
  }

  verify(password: string, hash: string | null): Promise<boolean> {
    return bcrypt.compare(prehash(password), hash ?? '');
  }

  /** Spends the same time as a real check, so unknown accounts cannot be told apart by timing. */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= bcrypt.hash(randomBytes(16).toString('hex'), this.cost);
    await bcrypt.compare(prehash(password), await this.dummy);
    return false;
  }
}
