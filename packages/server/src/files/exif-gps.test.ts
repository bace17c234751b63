import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { validCorpus, type ValidCorpus } from '../../test/helpers/corpus/valid.ts';
import { hasGps, stripGps } from './exif-gps.ts';
import { ImagePreparer } from './images.ts';

/** A big-endian ("MM") TIFF block: IFD0 with Make and a GPS pointer, then a GPS IFD with latitude. */
function bigEndianExif(): Buffer {
  const b = Buffer.alloc(120);
  b.write('MM', 0, 'latin1');
  b.writeUInt16BE(42, 2);
  b.writeUInt32BE(8, 4);
  b.writeUInt16BE(2, 8); // IFD0: 2 entries
  b.writeUInt16BE(0x010f, 10); // Make, ASCII, 4 bytes inline
  b.writeUInt16BE(2, 12);
  b.writeUInt32BE(4, 14);
  b.write('Cam\0', 18, 'latin1');
  b.writeUInt16BE(0x8825, 22); // GPS IFD pointer
  b.writeUInt16BE(4, 24);
  b.writeUInt32BE(1, 26);
  b.writeUInt32BE(38, 30);
  b.writeUInt32BE(0, 34); // no next IFD
  b.writeUInt16BE(1, 38); // GPS IFD: 1 entry
  b.writeUInt16BE(2, 40); // GPSLatitude, RATIONAL × 3, out of line at 56
  b.writeUInt16BE(5, 42);
  b.writeUInt32BE(3, 44);
  b.writeUInt32BE(56, 48);
  for (const [i, v] of [48, 1, 51, 1, 2964, 100].entries()) b.writeUInt32BE(v, 56 + i * 4);
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), b]);
}

function jpegWithApp1(jpeg: Buffer, app1: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(app1.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), len, app1, jpeg.subarray(2)]);
}

let corpus: ValidCorpus;
let dir: string;
before(async () => {
  corpus = await validCorpus();
  dir = await mkdtemp(join(tmpdir(), 'rooms-gps-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('GPS removal', () => {
  it('empties and unlinks a big-endian GPS IFD, keeping the other IFD0 entries', async () => {
    const file = jpegWithApp1(corpus.jpeg.data, bigEndianExif());
    const before = await sharp(file).metadata();
    assert.ok(hasGps(before));
    const cleaned = stripGps(file, 'image/jpeg');
    assert.ok(cleaned);
    assert.equal(cleaned.length, file.length);
    const after = await sharp(cleaned).metadata();
    assert.equal(hasGps(after), false);
    assert.match(after.exif!.toString('latin1'), /Cam/);
    const tiff = cleaned.subarray(12); // SOI, APP1 marker and length, "Exif\0\0"
    assert.equal(tiff.readUInt16BE(8), 1, 'IFD0 has one entry left');
    assert.equal(tiff.readUInt32BE(56), 0, 'the latitude is zeroed, not just unlinked');
  });

  it('removes GPS from EXIF blocks of images embedded after the main one (MPF previews)', () => {
    const embedded = jpegWithApp1(corpus.jpeg.data, bigEndianExif());
    const file = Buffer.concat([corpus.jpeg.data, embedded]);
    const cleaned = stripGps(file, 'image/jpeg')!;
    const at = corpus.jpeg.data.length + 12;
    assert.equal(cleaned.subarray(at).readUInt16BE(8), 1);
    assert.equal(cleaned.subarray(at).readUInt32BE(56), 0);
  });

  it('drops PNG raw EXIF profiles (ImageMagick) whole', async () => {
    const png = corpus.png.data;
    const text = Buffer.concat([
      Buffer.from('Raw profile type exif\0', 'latin1'),
      Buffer.from(`\nexif\n  ${bigEndianExif().length}\n${bigEndianExif().toString('hex')}\n`),
    ]);
    const chunk = Buffer.alloc(12 + text.length);
    chunk.writeUInt32BE(text.length, 0);
    chunk.write('tEXt', 4, 'latin1');
    text.copy(chunk, 8);
    chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + text.length)), 8 + text.length);
    const file = Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]); // after IHDR
    assert.ok(hasGps(await sharp(file).metadata()));
    const cleaned = stripGps(file, 'image/png')!;
    assert.ok(cleaned.equals(png));
  });

  it('returns null for structures it does not understand', () => {
    assert.equal(stripGps(Buffer.from('not an image'), 'image/jpeg'), null);
    assert.equal(stripGps(corpus.gif.data, 'image/gif'), null);
    const broken = Buffer.from(corpus.png.data);
    broken.writeUInt32BE(0x7fffffff, 8); // IHDR length past the end
    assert.equal(stripGps(broken, 'image/png'), null);
  });

  it('re-encodes (orientation applied, no metadata) when the EXIF block is too malformed to patch', async () => {
    const exif = bigEndianExif();
    exif.writeUInt16BE(0xfff0, 6 + 8); // IFD0 claims 65,520 entries
    const file = jpegWithApp1(corpus.jpeg.data, exif);
    assert.ok(hasGps(await sharp(file).metadata()), 'unreadable EXIF may hold a location');
    const path = join(dir, 'broken.jpg');
    await writeFile(path, file);
    const r = await new ImagePreparer({ maxPixels: 50_000_000, concurrency: 1, keepGps: false }).prepareImage(path, 'image/jpeg');
    const m = await sharp(await readFile(r.cleanedPath!)).metadata();
    assert.deepEqual([m.format, m.exif, m.width, m.height], ['jpeg', undefined, 640, 480]);
  });
});
