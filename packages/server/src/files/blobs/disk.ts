import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, ByteRange } from '../../ports/blob-store.ts';
import { assertBlobKey, clampRange, exactly } from './common.ts';

/** Partial files older than this, left by a crash in the middle of a put, are removed at open. */
const STALE_PARTIAL_MS = 60 * 60 * 1000;

/**
 * Attachment bytes as files under `<DATA_DIR>/attachments`, private like the rest of DATA_DIR
 * (folders 0700, files 0600). A key lives at `<hh>/<hh>/<key with / as ~>`, the two shard
 * folders taken from a hash of the key, so no folder grows past a few hundred entries whatever the
 * keys look like. A put writes `.partial/<random>` then renames it over the key: a reader or a
 * crash sees the old bytes or the new ones, never half of them.
 */
export class DiskBlobStore implements BlobStore {
  private readonly root: string;
  private readonly partialDir: string;

  private constructor(root: string) {
    this.root = root;
    this.partialDir = join(root, '.partial');
  }

  /** Opens (creating) the store under dataDir, removing partial files a crash left behind. */
  static async open(dataDir: string): Promise<DiskBlobStore> {
    const store = new DiskBlobStore(join(dataDir, 'attachments'));
    await mkdir(store.partialDir, { recursive: true, mode: 0o700 });
    await store.removeStalePartials();
    return store;
  }

  async put(key: string, body: Readable, info: { size: number; contentType: string }): Promise<void> {
    const path = this.pathOf(key);
    const partial = join(this.partialDir, `${randomBytes(12).toString('hex')}.part`);
    try {
      // flush: the bytes reach the disk before the name points at them.
      await pipeline(body, exactly(info.size), createWriteStream(partial, { flags: 'wx', mode: 0o600, flush: true }));
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await rename(partial, path);
    } catch (err) {
      body.destroy();
      await unlink(partial).catch(() => {});
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null> {
    let file;
    try {
      file = await open(this.pathOf(key), 'r');
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    // Size and bytes come from the one open file: a put or delete meanwhile does not mix versions.
    try {
      const { size } = await file.stat();
      if (size === 0 && !range) return { body: file.createReadStream(), size };
      const r = range ? clampRange(range, size) : { start: 0, end: size - 1 };
      return { body: file.createReadStream({ start: r.start, end: r.end }), size };
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      return { size: (await stat(this.pathOf(key))).size };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    assertBlobKey(key);
    const hash = createHash('sha256').update(key).digest('hex');
    return join(this.root, hash.slice(0, 2), hash.slice(2, 4), key.replaceAll('/', '~'));
  }

  private async removeStalePartials(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.partialDir)) {
      const path = join(this.partialDir, name);
      const s = await stat(path).catch(() => null);
      if (s && now - s.mtimeMs > STALE_PARTIAL_MS) await unlink(path).catch(() => {});
    }
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}
