import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ATTACHMENT_LIMITS, type AttachmentMime } from '@rooms/protocol';
import sharp from 'sharp';
import { photo, validCorpus, type ValidCorpus } from '../../test/helpers/corpus/valid.ts';
import { loadConfig } from '../config/config.ts';
import { DomainError } from '../domain/errors.ts';
import { hasGps } from './exif-gps.ts';
import { ImagePreparer, createImagePreparer, imageOptions } from './images.ts';

const BOX = ATTACHMENT_LIMITS.thumbnailBox;
const GPS = { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 868/100' };
const XMP_WITH_GPS =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.494N" exif:GPSLongitude="2,21.145E"/></rdf:RDF></x:xmpmeta>';

let dir: string;
let corpus: ValidCorpus;
const preparer = createImagePreparer(loadConfig({}));
const write = async (name: string, data: Buffer) => {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
};
const images = () =>
  (['jpeg', 'png', 'gif', 'gifAnimated', 'webp', 'webpAnimated', 'jpegGps', 'jpegTruncated'] as const).map((k) => [k, corpus[k]] as const);
const raw = (input: Buffer | string) => sharp(input).raw().toBuffer();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rooms-images-'));
  corpus = await validCorpus();
});
after(() => rm(dir, { recursive: true, force: true }));

describe('prepareImage', () => {
  it('derives the pixel limit from the decode memory budget (400 MiB, 2 decodes → 52,428,800 pixels)', () => {
    const opts = imageOptions(loadConfig({}));
    assert.deepEqual(opts, { maxPixels: 52_428_800, concurrency: 2, keepGps: false });
    assert.equal(
      imageOptions(loadConfig({ IMAGE_DECODE_MEMORY_MB: '100', IMAGE_DECODE_CONCURRENCY: '1', IMAGE_KEEP_GPS: 'true' })).maxPixels,
      26_214_400,
    );
  });

  it('gives the displayed dimensions and a WebP thumbnail within the box, never enlarged, aspect kept, without metadata', async () => {
    for (const [key, f] of images()) {
      const r = await preparer.prepareImage(await write(f.name, f.data), f.expect.mime);
      assert.deepEqual({ width: r.width, height: r.height }, { width: f.width, height: f.height }, key);
      const t = r.thumbnail;
      assert.ok(t, `${key}: a thumbnail`);
      assert.ok(t.width <= BOX && t.height <= BOX && t.width <= r.width && t.height <= r.height, `${key}: ${t.width}×${t.height}`);
      assert.ok(
        Math.max(t.width, t.height) === Math.min(BOX, Math.max(r.width, r.height)),
        `${key}: fills the box on its long side when large enough`,
      );
      assert.ok(Math.abs(t.width / t.height - r.width / r.height) < 2 / Math.min(t.width, t.height), `${key}: aspect kept`);
      const m = await sharp(t.data).metadata();
      assert.deepEqual(
        [m.format, m.width, m.height, m.exif, m.xmp, m.pages ?? 1],
        ['webp', t.width, t.height, undefined, undefined, 1],
        key,
      );
    }
  });

  it('thumbnails animations from their first frame (red, of red/green/blue)', async () => {
    for (const f of [corpus.gifAnimated, corpus.webpAnimated]) {
      const r = await preparer.prepareImage(await write(f.name, f.data), f.expect.mime);
      const { channels } = await sharp(r.thumbnail!.data).stats();
      assert.ok(
        channels[0]!.mean > 200 && channels[1]!.mean < 90 && channels[2]!.mean < 90,
        `${f.name}: ${channels.map((c) => Math.round(c.mean))}`,
      );
    }
  });

  it('applies EXIF orientation: 600×400 stored with orientation 6 is 400×600, and so is its thumbnail (267×400)', async () => {
    const r = await preparer.prepareImage(await write('o.jpg', corpus.jpegGps.data), 'image/jpeg');
    assert.deepEqual([r.width, r.height, r.thumbnail?.width, r.thumbnail?.height], [400, 600, 267, 400]);
  });

  it('removes GPS from a JPEG losslessly: same scan data, orientation and camera kept, original untouched', async () => {
    const path = await write('gps.jpg', corpus.jpegGps.data);
    assert.ok(hasGps(await sharp(path).metadata()), 'the corpus file has GPS');
    const r = await preparer.prepareImage(path, 'image/jpeg');
    assert.equal(r.cleanedPath, `${path}.clean`);
    const cleaned = await readFile(r.cleanedPath!);
    const m = await sharp(cleaned).metadata();
    assert.equal(hasGps(m), false);
    assert.equal(m.orientation, 6);
    assert.match(m.exif!.toString('latin1'), /Rooms/);
    assert.equal(cleaned.length, corpus.jpegGps.data.length, 'nothing re-encoded: same length');
    assert.ok(cleaned.subarray(-100_000).equals(corpus.jpegGps.data.subarray(-100_000)), 'image data identical');
    assert.ok((await readFile(path)).equals(corpus.jpegGps.data), 'the original file is not modified');
  });

  it('removes GPS from PNG (eXIf) and WebP (EXIF chunk) with identical pixels, and XMP GPS from a JPEG', async () => {
    const base = sharp({
      create: { width: 500, height: 300, channels: 3, background: '#48c', noise: { type: 'gaussian', mean: 100, sigma: 30 } },
    });
    const cases: [string, AttachmentMime, Buffer][] = [
      [
        'gps.png',
        'image/png',
        await base
          .clone()
          .png()
          .withExifMerge({ IFD0: { Make: 'Rooms' }, IFD3: GPS })
          .toBuffer(),
      ],
      [
        'gps.webp',
        'image/webp',
        await base
          .clone()
          .webp({ lossless: true })
          .withExifMerge({ IFD0: { Make: 'Rooms' }, IFD3: GPS })
          .toBuffer(),
      ],
      ['xmp.jpg', 'image/jpeg', await base.clone().jpeg().withXmp(XMP_WITH_GPS).toBuffer()],
    ];
    for (const [name, mime, data] of cases) {
      const before = await sharp(data).metadata();
      assert.ok(hasGps(before), `${name} has GPS`);
      const r = await preparer.prepareImage(await write(name, data), mime);
      assert.ok(r.cleanedPath, name);
      const after = await sharp(r.cleanedPath).metadata();
      assert.equal(hasGps(after), false, name);
      assert.equal(after.format, before.format, name);
      assert.ok((await raw(r.cleanedPath)).equals(await raw(data)), `${name}: pixels identical`);
      if (before.exif) {
        assert.match(after.exif!.toString('latin1'), /Rooms/, `${name}: the rest of EXIF kept`);
        assert.equal((await readFile(r.cleanedPath)).length, data.length, `${name}: patched in place, not re-encoded`);
      }
    }
  });

  it('writes no cleaned copy when there is no location, or when IMAGE_KEEP_GPS is set', async () => {
    assert.equal((await preparer.prepareImage(await write('plain.jpg', corpus.jpeg.data), 'image/jpeg')).cleanedPath, undefined);
    const keeping = createImagePreparer(loadConfig({ IMAGE_KEEP_GPS: 'true' }));
    assert.equal((await keeping.prepareImage(await write('keep.jpg', corpus.jpegGps.data), 'image/jpeg')).cleanedPath, undefined);
  });

  it('refuses the 30,000 × 30,000 PNG bomb from its header, fast and without decoding', async (t) => {
    const path = await write('bomb.png', corpus.pngBomb.data);
    const rss0 = process.memoryUsage().rss;
    const started = performance.now();
    await assert.rejects(preparer.prepareImage(path, 'image/png'), (e: unknown) => {
      assert.ok(e instanceof DomainError);
      assert.equal(e.code, 'unsupported_type');
      assert.equal(e.status, 415);
      assert.match(e.message, /image too large: 30000×30000 pixels/);
      return true;
    });
    const ms = performance.now() - started;
    const grewMb = (process.memoryUsage().rss - rss0) / 1024 / 1024;
    t.diagnostic(`bomb refused in ${ms.toFixed(1)} ms, RSS +${grewMb.toFixed(1)} MB (decoded: 107 MB at 1 bit a pixel, 3.4 GB as RGBA)`);
    assert.ok(ms < 1000, `${ms} ms`);
    assert.ok(grewMb < 50, `${grewMb} MB`);
    assert.equal(preparer.decoding.running, 0, 'no decode slot was taken');
  });

  it('accepts a truncated JPEG with its header dimensions and a best-effort thumbnail', async () => {
    const r = await preparer.prepareImage(await write('cut.jpg', corpus.jpegTruncated.data), 'image/jpeg');
    assert.deepEqual([r.width, r.height, r.thumbnail?.width, r.thumbnail?.height], [640, 480, 400, 300]);
  });

  it('refuses bytes that begin like an image but have no readable header', async () => {
    for (const [name, mime, data] of [
      ['junk.jpg', 'image/jpeg', Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(200, 7)])],
      ['junk.png', 'image/png', Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 1)])],
    ] as const) {
      await assert.rejects(
        preparer.prepareImage(await write(name, data), mime),
        (e: unknown) => e instanceof DomainError && e.code === 'unsupported_type',
        name,
      );
    }
  });

  it('answers damaged images with a result or a 415, never another error', async () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [key, f] of images()) {
      const variants = [100, 400, Math.floor(f.data.length / 3)].map((n) => f.data.subarray(0, n));
      for (let i = 0; i < 4; i++) {
        const flipped = Buffer.from(f.data);
        for (let k = 0; k < 30; k++) flipped[20 + Math.floor(random() * Math.min(4000, flipped.length - 20))] = Math.floor(random() * 256);
        variants.push(flipped);
      }
      for (const [i, v] of variants.entries()) {
        try {
          const r = await preparer.prepareImage(await write(`${key}-${i}`, v), f.expect.mime);
          assert.ok(r.width > 0 && r.height > 0, `${key} variant ${i}`);
        } catch (e) {
          assert.ok(e instanceof DomainError && e.code === 'unsupported_type', `${key} variant ${i}: ${String(e)}`);
        }
      }
    }
  });

  it('runs at most IMAGE_DECODE_CONCURRENCY decodes at once, whatever the number of uploads', async () => {
    const path = await write('big.jpg', await photo(2000, 1500));
    for (const concurrency of [1, 2]) {
      const p = new ImagePreparer({ maxPixels: 50_000_000, concurrency, keepGps: false });
      let maxRunning = 0;
      let maxWaiting = 0;
      const sampler = setInterval(() => {
        maxRunning = Math.max(maxRunning, p.decoding.running);
        maxWaiting = Math.max(maxWaiting, p.decoding.waiting);
      }, 1);
      const results = await Promise.all(Array.from({ length: 8 }, () => p.prepareImage(path, 'image/jpeg')));
      clearInterval(sampler);
      assert.ok(results.every((r) => r.thumbnail?.width === 400));
      assert.equal(p.decoding.peak, concurrency, 'the bound was reached and never passed');
      assert.ok(
        maxRunning <= concurrency && maxWaiting > 0,
        `running ≤ ${concurrency} (saw ${maxRunning}), others waited (saw ${maxWaiting})`,
      );
      assert.deepEqual({ running: p.decoding.running, waiting: p.decoding.waiting }, { running: 0, waiting: 0 });
    }
  });

  it('thumbnails a 12 MP JPEG close to the time of sharp alone', async (t) => {
    const data = await photo(4000, 3000);
    const path = await write('12mp.jpg', data);
    const sharpAlone = () =>
      sharp(path)
        .autoOrient()
        .resize({ width: BOX, height: BOX, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
    const timed = async (fn: () => Promise<unknown>) => {
      const s = performance.now();
      await fn();
      return performance.now() - s;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    await sharpAlone();
    const runs = { alone: [] as number[], ours: [] as number[] };
    for (let i = 0; i < 5; i++) {
      // Interleaved, so both see the same load on the machine.
      runs.alone.push(await timed(sharpAlone));
      runs.ours.push(await timed(() => preparer.prepareImage(path, 'image/jpeg')));
    }
    const [alone, ours] = [median(runs.alone), median(runs.ours)];
    t.diagnostic(
      `12 MP JPEG (${(data.length / 1e6).toFixed(1)} MB) → thumbnail, median of 5 interleaved: prepareImage ${ours.toFixed(0)} ms, sharp alone ${alone.toFixed(0)} ms`,
    );
    assert.ok(ours < alone * 2 + 100, `${ours} ms vs ${alone} ms`);
  });
});
