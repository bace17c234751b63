import type { Readable } from 'node:stream';

/** A byte range, both ends inclusive (as in an HTTP Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where attachment bytes live: local files under DATA_DIR (embedded) or an S3-compatible bucket
 * (scaled). Keys are opaque ASCII paths chosen by the attachments service ([a-z0-9/._-]). Both
 * implementations pass one contract suite.
 */
export interface BlobStore {
  /** Stores the stream's bytes under key (replacing any), streamed: never whole in memory. */
  put(key: string, body: Readable, info: { size: number; contentType: string }): Promise<void>;
  /**
   * The bytes of key (a range of them when given; an end past the last byte stops at it, a range
   * selecting nothing throws BlobRangeError); `size` is always the whole object's (for
   * Content-Range); null when there is no such key. The caller reads the body to its end or
   * destroys it (that frees the file or the connection).
   */
  get(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null>;
  /** The size of key, or null when absent. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Removes key; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
