import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tempDir } from '../../../test/helpers/services.ts';
import { testS3, type TestS3 } from '../../../test/helpers/s3.ts';
import { loadConfig } from '../../config/config.ts';
import type { BlobStore } from '../../ports/blob-store.ts';
import { BlobKeyError, BlobRangeError } from './common.ts';
import { createBlobStore } from './create.ts';
import { DiskBlobStore } from './disk.ts';
import { BlobStoreUnavailableError, S3BlobStore } from './s3.ts';

const MB = 1024 * 1024;
const info = (size: number) => ({ size, contentType: 'application/octet-stream' });
const put = (store: BlobStore, key: string, data: Buffer) => store.put(key, Readable.from([data]), info(data.length));

async function bytesOf(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function read(store: BlobStore, key: string, range?: { start: number; end: number }): Promise<{ data: Buffer; size: number } | null> {
  const got = await store.get(key, range);
  return got && { data: await bytesOf(got.body), size: got.size };
}

/** `total` bytes in 64 KiB chunks made as they are read (never all in memory), and their SHA-256 once read. */
function generated(total: number, seed: number): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  const block = randomBytes(64 * 1024);
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const chunk = Buffer.from(block.subarray(0, Math.min(block.length, total - sent)));
      chunk.writeUInt32BE((sent / block.length + seed) >>> 0, 0);
      sent += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

// A collection before each sample, so the peak counts what is held rather than garbage not yet
// collected (64 KiB chunks that a streaming store has already passed on).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (opts?: { type: 'minor' | 'major' }) => void;

/** Runs fn while sampling the RSS; the peak growth over the RSS at the start, in bytes. */
async function rssGrowth(fn: () => Promise<void>): Promise<number> {
  gc();
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    gc({ type: 'minor' });
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - start;
}

/**
 * The behaviour every BlobStore shares, whatever holds the bytes. `atomicPuts`: whether the backend
 * makes a put all or nothing, as disk does here and S3 (and MinIO) by protocol. s3rver, the test
 * server, writes a request's body straight to its object file, keeping an aborted body and mixing
 * rival ones, so with it only the refusals and the parts that do not depend on that are checked.
 */
function blobStoreContract(store: () => BlobStore, { atomicPuts }: { atomicPuts: boolean }): void {
  it('stores bytes and gives them back with their size', async () => {
    const data = randomBytes(100_000);
    await put(store(), 'c/put-get.bin', data);
    const got = await read(store(), 'c/put-get.bin');
    assert.equal(got?.size, data.length);
    assert.ok(got.data.equals(data));
    assert.deepEqual(await store().stat('c/put-get.bin'), { size: data.length });
  });

  it('reads a byte range, both ends inclusive, with the whole size; an end past the last byte stops at it', async () => {
    const data = randomBytes(1000);
    await put(store(), 'c/range.bin', data);
    const mid = await read(store(), 'c/range.bin', { start: 10, end: 19 });
    assert.equal(mid?.size, 1000);
    assert.ok(mid.data.equals(data.subarray(10, 20)));
    const tail = await read(store(), 'c/range.bin', { start: 990, end: 5000 });
    assert.ok(tail?.data.equals(data.subarray(990)));
    const one = await read(store(), 'c/range.bin', { start: 999, end: 999 });
    assert.deepEqual([...one!.data], [data[999]]);
  });

  it('refuses a range that selects nothing', async () => {
    await put(store(), 'c/bad-range.bin', randomBytes(100));
    await assert.rejects(store().get('c/bad-range.bin', { start: 100, end: 200 }), BlobRangeError);
    await assert.rejects(store().get('c/bad-range.bin', { start: 50, end: 10 }), BlobRangeError);
    await assert.rejects(store().get('c/bad-range.bin', { start: -1, end: 10 }), BlobRangeError);
  });

  it('answers null for an absent key, and deleting it is not an error', async () => {
    assert.equal(await store().get('c/never'), null);
    assert.equal(await store().get('c/never', { start: 0, end: 9 }), null);
    assert.equal(await store().stat('c/never'), null);
    await store().delete('c/never');
  });

  it('deletes, and deleting again is not an error', async () => {
    await put(store(), 'c/delete.bin', randomBytes(10));
    await store().delete('c/delete.bin');
    assert.equal(await store().get('c/delete.bin'), null);
    assert.equal(await store().stat('c/delete.bin'), null);
    await store().delete('c/delete.bin');
  });

  it('replaces the bytes of a key that is put again', async () => {
    await put(store(), 'c/over.bin', randomBytes(5000));
    const second = randomBytes(300);
    await put(store(), 'c/over.bin', second);
    const got = await read(store(), 'c/over.bin');
    assert.ok(got?.data.equals(second));
    assert.deepEqual(await store().stat('c/over.bin'), { size: 300 });
  });

  it('stores an empty object', async () => {
    await put(store(), 'c/empty', Buffer.alloc(0));
    const got = await read(store(), 'c/empty');
    assert.equal(got?.size, 0);
    assert.equal(got.data.length, 0);
  });

  it('keeps the old bytes when a put fails half way (a body that errors, or is shorter or longer than announced)', async () => {
    const old = randomBytes(2000);
    await put(store(), 'c/atomic.bin', old);
    const failing = new Readable({ read() {} });
    failing.push(randomBytes(64 * 1024));
    setTimeout(() => failing.destroy(new Error('client went away')), 20);
    await assert.rejects(store().put('c/atomic.bin', failing, info(200_000)));
    await assert.rejects(store().put('c/atomic.bin', Readable.from([randomBytes(100)]), info(200)));
    await assert.rejects(store().put('c/atomic.bin', Readable.from([randomBytes(300)]), info(200)));
    await assert.rejects(store().put('c/atomic-new.bin', Readable.from([randomBytes(100)]), info(200)));
    if (!atomicPuts) return;
    assert.ok((await read(store(), 'c/atomic.bin'))?.data.equals(old));
    assert.equal(await store().stat('c/atomic-new.bin'), null);
  });

  // 64 MB against a bound of half that: a store that holds the object grows by all of it, while the
  // RSS of one that streams still moves by up to ~20 MB on a loaded CI machine (allocator and
  // young-generation growth), which a 40 MB object with a 20 MB bound once failed by 0.5 MB.
  it('streams a 64 MB object in and out without holding it in memory', async (t) => {
    const size = 64 * MB;
    const src = generated(size, 7);
    const grewIn = await rssGrowth(() => store().put('c/large.bin', src.stream, info(size)));
    let outDigest = '';
    const grewOut = await rssGrowth(async () => {
      const got = await store().get('c/large.bin');
      assert.equal(got?.size, size);
      const hash = createHash('sha256');
      for await (const c of got.body) hash.update(c as Buffer);
      outDigest = hash.digest('hex');
    });
    assert.equal(outDigest, src.digest());
    t.diagnostic(`64 MB object: RSS grew by ${(grewIn / MB).toFixed(1)} MB putting, ${(grewOut / MB).toFixed(1)} MB getting`);
    assert.ok(grewIn < size / 2, `RSS grew by ${(grewIn / MB).toFixed(1)} MB while putting ${size / MB} MB`);
    assert.ok(grewOut < size / 2, `RSS grew by ${(grewOut / MB).toFixed(1)} MB while getting ${size / MB} MB`);
    const tail = await read(store(), 'c/large.bin', { start: size - 10, end: size - 1 });
    assert.equal(tail?.data.length, 10);
  });

  it('takes concurrent puts: of different keys, each whole; of one key, one of them whole', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ key: `c/many/${i}.bin`, data: randomBytes(50_000 + i) }));
    await Promise.all(many.map((m) => put(store(), m.key, m.data)));
    for (const m of many) assert.ok((await read(store(), m.key))?.data.equals(m.data), m.key);
    const rivals = Array.from({ length: 8 }, () => randomBytes(200_000));
    await Promise.all(rivals.map((d) => put(store(), 'c/contended.bin', d)));
    if (!atomicPuts) return;
    const final = (await read(store(), 'c/contended.bin'))!.data;
    assert.ok(
      rivals.some((d) => d.equals(final)),
      'the stored bytes are exactly one of the puts',
    );
  });

  it('refuses keys outside [a-z0-9/._-], with dot segments, empty segments or too long, in every operation', async () => {
    const bad = [
      '',
      '../x',
      'a/../b',
      'a/./b',
      '/abs',
      'a//b',
      'a/',
      '.hidden',
      'A.png',
      'a b',
      'a\0b',
      'caf\u00e9',
      'a\\b',
      'x'.repeat(201),
    ];
    for (const key of bad) {
      await assert.rejects(put(store(), key, Buffer.from('x')), BlobKeyError, JSON.stringify(key));
      await assert.rejects(store().get(key), BlobKeyError);
      await assert.rejects(store().stat(key), BlobKeyError);
      await assert.rejects(store().delete(key), BlobKeyError);
    }
    for (const key of ['01jd5x/original', 'ab/cd/ef-g_h.thumb.webp', 'x'.repeat(200)]) {
      await put(store(), key, Buffer.from(key));
      assert.equal((await read(store(), key))?.data.toString(), key);
    }
  });
}

describe('blob store contract: disk', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: DiskBlobStore;
  before(async () => {
    dir = tempDir();
    store = await DiskBlobStore.open(dir.path);
  });
  after(async () => {
    await store.close();
    dir.remove();
  });

  blobStoreContract(() => store, { atomicPuts: true });

  it('keeps everything private to the server user (folders 0700, files 0600) under DATA_DIR/attachments', async () => {
    await put(store, 'p/mode.bin', randomBytes(10));
    const root = join(dir.path, 'attachments');
    const walk = (path: string): string[] =>
      statSync(path).isDirectory() ? [path, ...readdirSync(path).flatMap((n) => walk(join(path, n)))] : [path];
    const entries = walk(root);
    assert.ok(entries.length > 3);
    for (const p of entries) assert.equal(statSync(p).mode & 0o777, statSync(p).isDirectory() ? 0o700 : 0o600, p);
  });

  it('leaves no partial file behind a failed put, and removes stale ones a crash left at the next open', async () => {
    const partials = join(dir.path, 'attachments', '.partial');
    await assert.rejects(store.put('p/short.bin', Readable.from([Buffer.alloc(10)]), info(20)));
    assert.deepEqual(readdirSync(partials), []);
    const stale = join(partials, 'crashed.part');
    const fresh = join(partials, 'in-flight.part');
    writeFileSync(stale, 'half');
    writeFileSync(fresh, 'half');
    utimesSync(stale, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    const reopened = await DiskBlobStore.open(dir.path);
    await reopened.close();
    assert.deepEqual(readdirSync(partials), ['in-flight.part'], 'a put in progress elsewhere is left alone');
  });
});

describe('blob store contract: s3', () => {
  let s3: TestS3;
  let store: S3BlobStore;
  const bucket = `rooms-test-${randomBytes(4).toString('hex')}`;
  const options = () => ({
    endpoint: s3.url,
    bucket,
    region: 'us-east-1',
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    createBucket: true,
  });
  before(async () => {
    s3 = await testS3();
    store = await S3BlobStore.open(options());
  });
  after(async () => {
    await store?.close();
    await s3?.stop();
  });

  blobStoreContract(() => store, { atomicPuts: Boolean(process.env.TEST_S3_URL) });

  it('refuses to start on a missing bucket unless told to create it, naming the bucket and never the secret', async () => {
    const missing = { ...options(), bucket: `rooms-missing-${randomBytes(4).toString('hex')}`, createBucket: false };
    await assert.rejects(S3BlobStore.open(missing), (err: Error) => {
      assert.ok(err instanceof BlobStoreUnavailableError);
      assert.match(err.message, new RegExp(`${missing.bucket}.*does not exist.*S3_CREATE_BUCKET`));
      assert.ok(!err.message.includes(s3.secretAccessKey === 'S3RVER' ? '\u0000' : s3.secretAccessKey));
      return true;
    });
  });

  it('refuses to start with wrong credentials, without repeating them', async () => {
    const secret = `wrong-${randomBytes(8).toString('hex')}`;
    const wrong = { ...options(), credentials: { accessKeyId: 'nobody', secretAccessKey: secret } };
    await assert.rejects(S3BlobStore.open(wrong), (err: Error) => {
      assert.ok(err instanceof BlobStoreUnavailableError, String(err));
      assert.match(err.message, /credentials/);
      assert.ok(!err.message.includes(secret));
      return true;
    });
  });

  it('is what the configuration names: STORAGE=s3 with the S3_* keys', async () => {
    const dir = tempDir();
    const config = loadConfig({
      DATA_DIR: dir.path,
      STORAGE: 's3',
      S3_ENDPOINT: s3.url,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
    const configured = await createBlobStore(config);
    try {
      assert.ok(configured instanceof S3BlobStore);
      await put(configured, 'cfg/one', Buffer.from('via config'));
      assert.equal((await read(store, 'cfg/one'))?.data.toString(), 'via config', 'the same bucket');
    } finally {
      await configured.close();
      dir.remove();
    }
  });
});

describe('blob store configuration', () => {
  it('is the disk under DATA_DIR by default, and S3 as soon as a bucket is named', async () => {
    const dir = tempDir();
    try {
      const store = await createBlobStore(loadConfig({ DATA_DIR: dir.path }));
      assert.ok(store instanceof DiskBlobStore);
      await store.close();
      assert.equal(statSync(join(dir.path, 'attachments')).mode & 0o777, 0o700);
      assert.equal(loadConfig({ S3_BUCKET: 'some-bucket' }).STORAGE, undefined);
    } finally {
      dir.remove();
    }
  });

  it('refuses STORAGE=s3 without a bucket, and half a key pair', () => {
    assert.throws(() => loadConfig({ STORAGE: 's3' }), /S3_BUCKET: required when STORAGE=s3/);
    assert.throws(() => loadConfig({ S3_BUCKET: 'b-1', S3_ACCESS_KEY_ID: 'id' }), /S3_SECRET_ACCESS_KEY/);
    assert.throws(() => loadConfig({ S3_BUCKET: 'No_Such' }), /S3_BUCKET/);
  });
});
