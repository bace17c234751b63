import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cfb, validCorpusFiles, type CorpusFile } from '../../test/helpers/corpus/valid.ts';
import { detectType, inspectType, unsupportedTypeMessage } from './typing.ts';

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
    const word = await detectType(await write('w.doc', cfb([{ name: 'Data', data: Buffer.alloc(4096) }, { name: 'WordDocument', data: Buffer.alloc(4096) }])));
    assert.equal(word?.mime, 'application/msword');
    for (const other of ['Workbook', 'PowerPoint Document', 'WordDocumentX', 'Book']) {
      const got = await inspectType(await write('o.doc', cfb([{ name: other, data: Buffer.alloc(4096) }])));
      assert.deepEqual(got, { type: null, detected: 'application/x-cfb' }, other);
    }
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

  it('refuses recognised types that are not allowed, naming them', async () => {
    const gzip = Buffer.from('1f8b0800000000000003030000000000000000', 'hex');
    const elf = Buffer.concat([Buffer.from('7f454c46020101', 'hex'), Buffer.alloc(64)]);
    for (const [data, mime] of [
      [gzip, 'application/gzip'],
      [elf, 'application/x-elf'],
    ] as const) {
      assert.deepEqual(await inspectType(await write('x.zip', data)), { type: null, detected: mime });
      assert.match(unsupportedTypeMessage(mime), new RegExp(mime.replace('/', '\\/')));
    }
    assert.match(unsupportedTypeMessage(null), /not recognised/);
  });
});
