import { Transform } from 'node:stream';
import type { ByteRange } from '../../ports/blob-store.ts';

/** A key outside the agreed alphabet: a bug in the caller, never something a user chose. */
export class BlobKeyError extends Error {
  override name = 'BlobKeyError';
}

/** A range that starts past the end of the object, or ends before it starts (HTTP 416). */
export class BlobRangeError extends Error {
  override name = 'BlobRangeError';
}

/** The body of a put gave more or fewer bytes than the size announced: nothing is stored. */
export class BlobSizeMismatchError extends Error {
  override name = 'BlobSizeMismatchError';
}

const SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;
const MAX_KEY_LENGTH = 200;

/**
 * Throws a BlobKeyError unless key is made of `/`-separated segments of [a-z0-9._-], each starting
 * with a letter or digit (so no `.`, `..`, hidden name or empty segment), at most 200 characters
 * (a file name on disk).
 * Both stores apply it, so a key valid on disk is valid on S3 and no key can leave the store's root.
 */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || !key.split('/').every((s) => SEGMENT.test(s))) {
    throw new BlobKeyError(
      `invalid blob key ${JSON.stringify(String(key).slice(0, 80))}: segments of [a-z0-9._-] starting with a letter or digit`,
    );
  }
}

/**
 * The range clamped to an object of `size` bytes (an end past the last byte means "to the end", as
 * in HTTP); a BlobRangeError when it selects nothing.
 */
export function clampRange(range: ByteRange, size: number): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || start >= size) {
    throw new BlobRangeError(`range ${start}-${end} is not satisfiable for ${size} bytes`);
  }
  return { start, end: Math.min(end, size - 1) };
}

/**
 * Passes the bytes through, failing the stream (so the put fails and nothing is stored) when they
 * turn out more or fewer than `size`.
 */
export function exactly(size: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > size) done(new BlobSizeMismatchError(`body is longer than the announced ${size} bytes`));
      else done(null, chunk);
    },
    flush(done) {
      done(seen === size ? null : new BlobSizeMismatchError(`body ended after ${seen} of the announced ${size} bytes`));
    },
  });
}
