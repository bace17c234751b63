import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cfb, mp4File, validCorpusFiles, webm, type CorpusFile } from '../../test/helpers/corpus/valid.ts';
import { WORD_WITH_MACROS, detectType, inspectType, unsupportedTypeMessage } from './typing.ts';

let dir: string;
let files: [string, CorpusFile][];
const write = async (name: string, data: Buffer) => {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rooms-typing-'));
  files = await validCorpusFiles();
});
after(() => rm(dir, { recursive: true, force: true }));

describe('detectType', () => {
  it('types every corpus file as the corpus expects (accepted type and kind, or refused with what was recognised)', async () => {
    for (const [key, f] of files) {
      const got = await inspectType(await write(`${key}-${f.name}`, f.data));
      if ('mime' in f.expect) {
        assert.equal(got.type?.mime, f.expect.mime, key);
        assert.equal(got.type?.kind, f.expect.kind, key);
      } else {
        assert.equal(got.type, null, key);
        assert.equal(got.detected, f.expect.detected, key);
      }
    }
  });

  it('types by the bytes, never the name: every file renamed to .txt, .exe or nothing types the same', async () => {
    for (const [key, f] of files) {
      const expected = 'mime' in f.expect ? f.expect.mime : null;
      for (const name of [`${key}.txt`, `${key}.exe`, key, `${key}.jpg`]) {
        assert.equal((await detectType(await write(name, f.data)))?.mime ?? null, expected, `${key} as ${name}`);
      }
    }
  });

  it('gives video dimensions from MP4 tkhd (moov first or last) and WebM PixelWidth/PixelHeight', async () => {
    for (const [key, f] of files.filter(([, f]) => 'mime' in f.expect && f.expect.kind === 'video')) {
      const got = await detectType(await write(f.name, f.data));
      assert.deepEqual({ width: got?.width, height: got?.height }, { width: f.width, height: f.height }, key);
    }
  });

  it('accepts a Compound File only when it holds a WordDocument stream', async () => {
    const word = await detectType(
      await write(
        'w.doc',
        cfb([
          { name: 'Data', data: Buffer.alloc(4096) },
          { name: 'WordDocument', data: Buffer.alloc(4096) },
        ]),
      ),
    );
    assert.equal(word?.mime, 'application/msword');
    for (const other of ['Workbook', 'PowerPoint Document', 'WordDocumentX', 'Book']) {
      const got = await inspectType(await write('o.doc', cfb([{ name: other, data: Buffer.alloc(4096) }])));
      assert.deepEqual(got, { type: null, detected: 'application/x-cfb' }, other);
    }
  });

  it('refuses a Word .doc carrying a VBA project (macros), as a .docm is refused', async () => {
    const word = { name: 'WordDocument', data: Buffer.alloc(4096) };
    for (const vba of [{ name: 'Macros' }, { name: '_VBA_PROJECT_CUR' }, { name: '_VBA_PROJECT', data: Buffer.alloc(4096) }]) {
      assert.deepEqual(await inspectType(await write('m.doc', cfb([word, vba]))), { type: null, detected: WORD_WITH_MACROS }, vba.name);
    }
    assert.equal((await detectType(await write('plain.doc', cfb([word, { name: 'ObjectPool' }]))))?.mime, 'application/msword');
  });

  it('takes MPEG audio only with two consecutive frame headers (or an ID3 tag), not any file starting with FF Fx', async () => {
    const frame = (header: number[], length: number) => Buffer.concat([Buffer.from(header), Buffer.alloc(length - 4)]);
    const mpeg2 = Buffer.concat(Array.from({ length: 5 }, () => frame([0xff, 0xf3, 0x90, 0xc0], 261))); // MPEG-2 layer III, 80 kbit/s, 22.05 kHz
    assert.equal((await detectType(await write('low.mp3', mpeg2)))?.mime, 'audio/mpeg');
    const id3 = Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x0a', 'latin1'), Buffer.alloc(10), mpeg2]);
    assert.equal((await detectType(await write('tagged.mp3', id3)))?.mime, 'audio/mpeg');
    const fake = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0xc0]), Buffer.from('#!/bin/sh\nrm -rf ~\n'.repeat(50))]);
    assert.deepEqual(await inspectType(await write('fake.mp3', fake)), { type: null, detected: null });
  });

  it('survives a Compound File whose directory chain loops or points outside the file', async () => {
    const file = cfb([{ name: 'Workbook', data: Buffer.alloc(4096) }]);
    const loop = Buffer.from(file);
    loop.writeUInt32LE(1, 512 + 4); // FAT: the directory sector's next is itself
    assert.equal(await detectType(await write('loop.doc', loop)), null);
    const outside = Buffer.from(file);
    outside.writeUInt32LE(0x7fffffff, 0x30); // first directory sector far past the end
    assert.equal(await detectType(await write('outside.doc', outside)), null);
    assert.equal(await detectType(await write('short.doc', file.subarray(0, 300))), null);
  });

  it('never throws on damaged files: every corpus file cut short or with bytes flipped is typed or refused', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [key, f] of files.filter(([, f]) => f.data.length > 0)) {
      const variants = [8, 64, 300, 700, Math.floor(f.data.length / 2)].map((n) => f.data.subarray(0, n));
      for (let i = 0; i < 5; i++) {
        const flipped = Buffer.from(f.data.subarray(0, 64 * 1024));
        for (let k = 0; k < 20; k++) flipped[8 + Math.floor(random() * (flipped.length - 8))] = Math.floor(random() * 256);
        variants.push(flipped);
      }
      for (const [i, v] of variants.entries()) {
        const got = await inspectType(await write(`${key}-${i}`, v));
        assert.ok(got.type === null || typeof got.type.mime === 'string', `${key} variant ${i}`);
      }
    }
  });

  it('refuses recognised types that are not allowed, naming them', async () => {
    const gzip = Buffer.from('1f8b0800000000000003030000000000000000', 'hex');
    const elf = Buffer.concat([Buffer.from('7f454c46020101', 'hex'), Buffer.alloc(64)]);
    const theora = Buffer.concat([Buffer.from('OggS', 'latin1'), Buffer.alloc(24), Buffer.from('\x80theora', 'latin1'), Buffer.alloc(64)]);
    for (const [data, mime] of [
      [gzip, 'application/gzip'],
      [elf, 'application/x-elf'],
      [theora, 'video/ogg'],
      [mp4File('qt  ', ['qt  '], [{ handler: 'vide', width: 640, height: 480 }]), 'video/quicktime'],
      [mp4File('3gp4', ['3gp4', 'isom'], [{ handler: 'vide', width: 176, height: 144 }]), 'video/3gpp'],
      [mp4File('heic', ['mif1', 'heic'], []), 'image/heic'],
      [webm({ video: { width: 640, height: 480 }, docType: 'matroska' }), 'video/matroska'],
    ] as const) {
      assert.deepEqual(await inspectType(await write('x.zip', data)), { type: null, detected: mime });
      assert.match(unsupportedTypeMessage(mime), new RegExp(mime.replace('/', '\\/')));
    }
    assert.match(unsupportedTypeMessage(null), /not recognised/);
  });
});
