import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../../config/config.ts';
import { docx, elfExecutable, maliciousCorpus, pdf, smallImages } from '../../../test/helpers/corpus/malicious.ts';
import { validCorpusFiles } from '../../../test/helpers/corpus/valid.ts';
import { buildZip, deflatedZeros } from '../../../test/helpers/corpus/zip-writer.ts';
import { tempDir } from '../../../test/helpers/services.ts';
import { BuiltinScanner } from './builtin.ts';
import { createScanner } from './index.ts';

const config = loadConfig({});
const scanner = createScanner(config);
const dir = tempDir('rooms-scan-');
let n = 0;
const write = (data: Buffer) => {
  const path = join(dir.path, `upload-${n++}`);
  writeFileSync(path, data);
  return path;
};
const scan = (data: Buffer, s = scanner) => s.scan(write(data), { mimeType: null, size: data.length });

after(() => dir.remove());

describe('built-in scanner: the malicious corpus', async () => {
  const corpus = await maliciousCorpus();
  for (const item of corpus) {
    it(`refuses ${item.name} (${item.filename}) as ${item.code}`, async () => {
      const verdict = await scan(item.data);
      assert.equal(verdict.ok, false, `${item.name} was accepted`);
      if (verdict.ok) return;
      assert.equal(verdict.code, item.code, verdict.reason);
      assert.match(verdict.reason, item.reason);
    });
  }
});

describe('built-in scanner: valid files are accepted', () => {
  const valid: Record<string, () => Promise<Buffer> | Buffer> = {
    'a PNG (sharp)': async () => (await smallImages()).png,
    'a JPEG (sharp)': async () => (await smallImages()).jpeg,
    'a progressive JPEG of noise': () =>
      sharp(randomBytes(256 * 256 * 3), { raw: { width: 256, height: 256, channels: 3 } })
        .jpeg({ progressive: true, quality: 95 })
        .toBuffer(),
    'a JPEG with a second JPEG after EOI (MPF preview)': async () => {
      const { jpeg } = await smallImages();
      return Buffer.concat([jpeg, jpeg]);
    },
    'an animated GIF (sharp)': () =>
      sharp(randomBytes(32 * 64 * 4), { raw: { width: 32, height: 64, channels: 4, pageHeight: 32 } as never })
        .gif()
        .toBuffer(),
    'a WebP (sharp)': () =>
      sharp({ create: { width: 40, height: 30, channels: 3, background: '#08f' } })
        .webp()
        .toBuffer(),
    'a PDF that talks about scripts': () => pdf('Put the <script> tag in the head; javascript: URLs are risky'),
    'a PDF with a trailing newline pad': () => Buffer.concat([pdf(), Buffer.from('\r\n\r\n  \0\0')]),
    'plain text with the word script': () => Buffer.from('The script of the play, and a #! in the middle of a line.\n'),
    'text mentioning <script> further down': () => Buffer.from(`Notes\n${'x'.repeat(100)}\n<script>alert(1)</script> is how XSS looks\n`),
    'a normal zip (text, PNG, folder, nested docx)': async () =>
      buildZip([
        { name: 'docs/', store: true },
        { name: 'docs/readme.txt', data: Buffer.from('hello '.repeat(1000)) },
        { name: 'docs/pic.png', data: (await smallImages()).png },
        { name: 'docs/build.sh', data: Buffer.from('#!/bin/sh\nmake\n') },
        { name: 'docs/letter.docx', data: docx() },
        { name: 'app.js', data: Buffer.from('console.log("hi")') },
      ]),
    'an empty zip': () => buildZip([]),
    'a normal docx with a hyperlink and text about <script>': () =>
      docx({
        body: '<w:p><w:r><w:t>Use &lt;script&gt; tags; javascript: URLs; the script was long.</w:t></w:r></w:p>',
        documentRels:
          '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.com/a?b=c" TargetMode="External"/>',
      }),
    'a docx with an embedded picture': async () => docx({ extra: [{ name: 'word/media/image1.jpeg', data: (await smallImages()).jpeg }] }),
    'a zip of 4 MiB runs of zeros (entries at the ratio floor, like test tensors in a wheel)': () =>
      buildZip(Array.from({ length: 3 }, (_, i) => ({ name: `zeros${i}.bin`, deflated: deflatedZeros(4) }))),
    '10 MB of random bytes': () => randomBytes(10 * 1024 * 1024),
    'an empty file': () => Buffer.alloc(0),
  };
  for (const [name, make] of Object.entries(valid)) {
    it(`accepts ${name}`, async () => {
      const verdict = await scan(await make());
      assert.deepEqual(verdict, { ok: true });
    });
  }
});

describe('built-in scanner: the valid-file corpus (every allowed type) passes', async () => {
  for (const [key, item] of await validCorpusFiles()) {
    it(`accepts ${key} (${item.name})`, async () => {
      assert.deepEqual(await scan(item.data), { ok: true });
    });
  }
});

describe('built-in scanner: archives of valid media pass', async () => {
  it('accepts a zip and a docx holding every valid file of the corpus (their ends are found inside the archive too)', async () => {
    const entries = (await validCorpusFiles())
      .filter(([key, f]) => !('refused' in f.expect) && key !== 'pngBomb' && key !== 'zip' && key !== 'docx')
      .map(([key, f]) => ({ name: `media/${key}-${f.name}`, data: f.data }));
    assert.ok(entries.length >= 20, `${entries.length} files`);
    assert.deepEqual(await scan(buildZip(entries)), { ok: true });
    assert.deepEqual(await scan(docx({ extra: entries.map((e) => ({ ...e, name: `word/${e.name}` })) })), { ok: true });
  });
});

describe('built-in scanner: data appended to each allowed format', async () => {
  const files = Object.fromEntries(await validCorpusFiles());
  const payload = Buffer.from('<?php system($_GET["c"]); ?>\n<script>alert(1)</script>\n');
  for (const key of [
    'png',
    'jpeg',
    'gif',
    'gifAnimated',
    'webp',
    'pdf',
    'm4a',
    'mp4',
    'mp4MoovLast',
    'ogg',
    'oggVorbis',
    'webmAudio',
    'webmVideo',
  ]) {
    it(`refuses ${key} with a script appended`, async () => {
      const verdict = await scan(Buffer.concat([files[key]!.data, payload]));
      assert.equal(verdict.ok, false);
      if (!verdict.ok) assert.match(verdict.reason, /appended after the end/);
    });
  }
  for (const key of ['mp3', 'webmVideo', 'doc', 'pdf', 'png']) {
    it(`refuses ${key} with a zip appended`, async () => {
      const verdict = await scan(Buffer.concat([files[key]!.data, buildZip([{ name: 'x.txt', data: Buffer.from('hidden') }])]));
      assert.equal(verdict.ok, false);
      if (!verdict.ok) assert.equal(verdict.code, 'malware_detected');
    });
  }
  it('accepts what cameras put after a JPEG: a Samsung trailer, a motion-photo video', async () => {
    const jpeg = files.jpeg!.data;
    const sef = Buffer.from('\0\0\x0a\x30Image_UTC_Data1700000000000SEFH\x01\0\0\0\0\0\0\0SEFT', 'latin1');
    sef.writeUInt32LE(8, sef.length - 8); // the SEF directory's length: from SEFH to this field
    assert.deepEqual(await scan(Buffer.concat([jpeg, sef])), { ok: true });
    assert.deepEqual(await scan(Buffer.concat([jpeg, jpeg, files.mp4!.data])), { ok: true });
  });
  it('refuses data hidden behind what a JPEG may carry', async () => {
    const jpeg = files.jpeg!.data;
    const payload = Buffer.from('<script>alert(1)</script>');
    assert.equal((await scan(Buffer.concat([jpeg, jpeg, payload]))).ok, false);
    assert.equal((await scan(Buffer.concat([jpeg, files.mp4!.data, payload]))).ok, false);
    assert.equal((await scan(Buffer.concat([jpeg, payload, Buffer.from('\0\0\0\0SEFT')]))).ok, false);
  });
  it('accepts a few stray bytes after a GIF trailer (old encoders), not words or markup', async () => {
    const gif = files.gif!.data;
    assert.deepEqual(await scan(Buffer.concat([gif, Buffer.from('1a14003b3bba0a441400003b3b', 'hex')])), { ok: true });
    assert.equal((await scan(Buffer.concat([gif, Buffer.from('<b onmouseover=x>')]))).ok, false);
    assert.equal((await scan(Buffer.concat([files.pdf!.data, Buffer.from('1a14003b', 'hex')]))).ok, false);
  });
  it('refuses a zip with data appended after its end record', async () => {
    const verdict = await scan(Buffer.concat([files.zip!.data, Buffer.from('#!/bin/sh\necho appended\n')]));
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.equal(verdict.code, 'unsafe_archive');
  });
});

describe('createScanner', () => {
  it('is the built-in scanner alone without CLAMD_URL, with the ARCHIVE_* bounds from the config', async () => {
    assert.equal(scanner.name, 'builtin');
    const zipInZip = buildZip([{ name: 'inner.zip', data: buildZip([{ name: 'a.txt', data: Buffer.from('hi') }]) }]);
    assert.deepEqual(await scan(zipInZip), { ok: true });
    const shallow = createScanner(loadConfig({ ARCHIVE_MAX_DEPTH: '1' }));
    const verdict = await scan(zipInZip, shallow);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.match(verdict.reason, /nested more than 1 deep/);
    const few = createScanner(loadConfig({ ARCHIVE_MAX_ENTRIES: '1' }));
    assert.equal(
      (
        await scan(
          buildZip([
            { name: 'a', data: Buffer.from('1') },
            { name: 'b', data: Buffer.from('2') },
          ]),
          few,
        )
      ).ok,
      false,
    );
  });
});

describe('built-in scanner: bounds', () => {
  const limits = { maxExpandedBytes: 100 * 1024 * 1024, maxEntries: 10_000, maxDepth: 3, maxRatio: 100 };

  it('stops inflating at the expansion cap even when the ratio check is off and sizes lie', async () => {
    const lax = new BuiltinScanner({ ...limits, maxRatio: 1e9, maxExpandedBytes: 20 * 1024 * 1024 });
    const liar = buildZip([{ name: 'a.bin', deflated: deflatedZeros(64), declaredSize: 4 * 1024 * 1024 }]);
    const verdict = await scan(liar, lax);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.match(verdict.reason, /does not match what the archive declares|expands to more than/);
  });

  it('adds the sizes entries declare against the cap', async () => {
    const lax = new BuiltinScanner({ ...limits, maxRatio: 1e9, maxExpandedBytes: 20 * 1024 * 1024 });
    const honest = buildZip(Array.from({ length: 3 }, (_, i) => ({ name: `${i}.bin`, deflated: deflatedZeros(8) })));
    const verdict = await scan(honest, lax);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.match(verdict.reason, /declares more than 20971520 bytes/);
  });

  it('follows nesting up to ARCHIVE_MAX_DEPTH and no deeper', async () => {
    const inner = buildZip([{ name: 'a.txt', data: Buffer.from('hi') }]);
    const depth = (d: number) => {
      let z = inner;
      for (let i = 1; i < d; i++) z = buildZip([{ name: `l${i}.zip`, data: z }]);
      return z;
    };
    assert.deepEqual(await scan(depth(3)), { ok: true });
    const verdict = await scan(depth(4));
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.equal(verdict.code, 'unsafe_archive');
  });

  it('refuses more entries than ARCHIVE_MAX_ENTRIES, nested ones counted', async () => {
    const s = new BuiltinScanner({ ...limits, maxEntries: 10 });
    const six = buildZip(Array.from({ length: 6 }, (_, i) => ({ name: `${i}.txt`, data: Buffer.from('x') })));
    assert.deepEqual(await scan(six, s), { ok: true });
    const verdict = await scan(
      buildZip([
        { name: 'a.zip', data: six },
        { name: 'b.zip', data: six },
      ]),
      s,
    );
    assert.equal(verdict.ok, false);
  });

  it('inflates as a stream: 96 MiB of entries (just under the cap) scanned without holding them', async (t) => {
    const zip = buildZip(Array.from({ length: 24 }, (_, i) => ({ name: `${i}.bin`, deflated: deflatedZeros(4) })));
    const path = write(zip);
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const verdict = await scanner.scan(path, { mimeType: null, size: zip.length });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    assert.deepEqual(verdict, { ok: true });
    t.diagnostic(`RSS growth while inflating 96 MiB: ${((peak - before) / 1e6).toFixed(1)} MB`);
    assert.ok(peak - before < 48 * 1024 * 1024, `RSS grew by ${peak - before} bytes`);
  });

  it('finds an executable straddling two read chunks of a large file', async () => {
    const big = randomBytes(3 * 1024 * 1024);
    elfExecutable().copy(big, 1024 * 1024 - 10);
    const verdict = await scan(big);
    assert.equal(verdict.ok, false);
  });

  it('scans 10 MB files quickly', async (t) => {
    const noise = randomBytes(10 * 1024 * 1024);
    const png = await sharp(randomBytes(1800 * 1800 * 3), { raw: { width: 1800, height: 1800, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const zip = buildZip(Array.from({ length: 10 }, (_, i) => ({ name: `${i}.bin`, data: randomBytes(1024 * 1024), store: true })));
    for (const [name, data] of [
      ['random bytes', noise],
      ['PNG', png],
      ['zip of 10 x 1 MiB', zip],
    ] as const) {
      const path = write(data);
      const start = performance.now();
      const verdict = await scanner.scan(path, { mimeType: null, size: data.length });
      const ms = performance.now() - start;
      assert.deepEqual(verdict, { ok: true });
      t.diagnostic(`${name}: ${(data.length / 1e6).toFixed(1)} MB scanned in ${ms.toFixed(0)} ms`);
      assert.ok(ms < 5000, `${name} took ${ms} ms`);
    }
  });
});
