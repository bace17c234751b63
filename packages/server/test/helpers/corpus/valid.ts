/**
 * The valid-file corpus of issue 16, generated in code (nothing downloaded): one file of every
 * allowed type, a few that must be refused as unsupported (SVG, plain text, empty, an Excel CFB),
 * a 30,000 × 30,000 PNG decompression bomb and a truncated JPEG. Media containers (MP3, Ogg, MP4,
 * WebM) are structurally valid (right headers, boxes, elements and pages) with silent or token
 * payloads: what matters here is how the bytes are typed, not how they sound.
 */
import { crc32, deflateRawSync, createDeflate } from 'node:zlib';
import { type AttachmentKind, type AttachmentMime } from '@rooms/protocol';
import sharp from 'sharp';

/** What the server must do with a corpus file: accept it as this type, or refuse it with 415 (or, for the bomb, as too large to decode). */
export type Expectation = { mime: AttachmentMime; kind: AttachmentKind } | { refused: 'unsupported_type'; detected: string | null };

export interface CorpusFile {
  /** A plausible upload name (the extension matches the bytes). */
  name: string;
  data: Buffer;
  expect: Expectation;
  /** Pixel (or video frame) dimensions as displayed, when the file has them. */
  width?: number;
  height?: number;
}

const accept = (mime: AttachmentMime, kind: AttachmentKind) => ({ mime, kind });
const refuse = (detected: string | null) => ({ refused: 'unsupported_type' as const, detected });

export type ValidCorpus = Awaited<ReturnType<typeof build>>;

let cached: Promise<ValidCorpus> | undefined;
/** The corpus, built once per process (about a second: most of it is the bomb's deflate). */
export function validCorpus(): Promise<ValidCorpus> {
  return (cached ??= build());
}

/** Every file of the corpus, keyed by its corpus name. */
export async function validCorpusFiles(): Promise<[string, CorpusFile][]> {
  return Object.entries(await validCorpus());
}

async function build() {
  const jpeg = await photo(640, 480);
  return {
    jpeg: { name: 'photo.jpg', data: jpeg, expect: accept('image/jpeg', 'image'), width: 640, height: 480 },
    png: {
      name: 'chart.png',
      data: await sharp(noise(320, 200)).png().toBuffer(),
      expect: accept('image/png', 'image'),
      width: 320,
      height: 200,
    },
    gif: {
      name: 'icon.gif',
      data: await sharp(noise(64, 48)).gif().toBuffer(),
      expect: accept('image/gif', 'image'),
      width: 64,
      height: 48,
    },
    gifAnimated: { name: 'dance.gif', data: await animated('gif'), expect: accept('image/gif', 'image'), width: 120, height: 80 },
    webp: {
      name: 'sticker.webp',
      data: await sharp(noise(300, 300)).webp().toBuffer(),
      expect: accept('image/webp', 'image'),
      width: 300,
      height: 300,
    },
    webpAnimated: { name: 'loop.webp', data: await animated('webp'), expect: accept('image/webp', 'image'), width: 120, height: 80 },
    /** 600×400 pixels stored, EXIF orientation 6 (shown 400×600), with GPS coordinates. */
    jpegGps: { name: 'where.jpg', data: await jpegWithGps(), expect: accept('image/jpeg', 'image'), width: 400, height: 600 },
    pdf: { name: 'paper.pdf', data: pdf(), expect: accept('application/pdf', 'document') },
    doc: {
      name: 'letter.doc',
      data: cfb([
        { name: 'WordDocument', data: wordStream() },
        { name: '1Table', data: Buffer.alloc(4096) },
      ]),
      expect: accept('application/msword', 'document'),
    },
    docx: {
      name: 'letter.docx',
      data: docx(),
      expect: accept('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'),
    },
    zip: {
      name: 'bundle.zip',
      data: zip([
        { name: 'readme.txt', data: Buffer.from('hello\n'.repeat(100)) },
        { name: 'data/numbers.csv', data: Buffer.from('1,2,3\n') },
      ]),
      expect: accept('application/zip', 'archive'),
    },
    mp3: { name: 'voice.mp3', data: mp3(), expect: accept('audio/mpeg', 'audio') },
    ogg: { name: 'voice.ogg', data: oggOpus(), expect: accept('audio/ogg', 'audio') },
    oggVorbis: { name: 'song.ogg', data: oggVorbis(), expect: accept('audio/ogg', 'audio') },
    m4a: { name: 'memo.m4a', data: mp4File('M4A ', ['M4A ', 'isom', 'mp42'], [{ handler: 'soun' }]), expect: accept('audio/mp4', 'audio') },
    /** An MP4 whose brand says video but which has only a sound track: audio by its tracks. */
    mp4AudioOnly: {
      name: 'podcast.mp4',
      data: mp4File('isom', ['isom', 'mp41'], [{ handler: 'soun' }]),
      expect: accept('audio/mp4', 'audio'),
    },
    mp4: {
      name: 'clip.mp4',
      data: mp4File('isom', ['isom', 'avc1', 'mp41'], [{ handler: 'vide', width: 1280, height: 720 }, { handler: 'soun' }]),
      expect: accept('video/mp4', 'video'),
      width: 1280,
      height: 720,
    },
    /** moov after mdat (not "fast start"): the track list is found at the end of the file. */
    mp4MoovLast: {
      name: 'camera.mp4',
      data: mp4File('mp42', ['mp42', 'isom'], [{ handler: 'vide', width: 640, height: 360 }], { moovLast: true }),
      expect: accept('video/mp4', 'video'),
      width: 640,
      height: 360,
    },
    /** Filmed upright on a phone: 1920×1080 frames turned a quarter by the track matrix, shown 1080×1920. */
    mp4Portrait: {
      name: 'upright.mp4',
      data: mp4File('isom', ['isom', 'mp41'], [{ handler: 'vide', width: 1920, height: 1080, quarterTurn: true }, { handler: 'soun' }]),
      expect: accept('video/mp4', 'video'),
      width: 1080,
      height: 1920,
    },
    webmAudio: { name: 'voice.webm', data: webm({ audio: true }), expect: accept('audio/webm', 'audio') },
    webmVideo: {
      name: 'clip.webm',
      data: webm({ audio: true, video: { width: 854, height: 480 } }),
      expect: accept('video/webm', 'video'),
      width: 854,
      height: 480,
    },

    // Refused as unsupported (415): not an allowed type, or no type at all.
    xls: { name: 'sheet.doc', data: cfb([{ name: 'Workbook', data: Buffer.alloc(4096) }]), expect: refuse('application/x-cfb') },
    svg: {
      name: 'logo.svg',
      data: Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>',
      ),
      expect: refuse(null),
    },
    text: { name: 'notes.txt', data: Buffer.from('Just some plain text.\nNothing to see here.\n'), expect: refuse(null) },
    empty: { name: 'empty.jpg', data: Buffer.alloc(0), expect: refuse(null) },

    // Images that are typed as images but need prepareImage's decisions (see images.ts).
    /** 30,000 × 30,000 1-bit PNG, complete and valid, ~110 KB (deflate cannot do better than ~1:1000): refused before decoding. */
    pngBomb: { name: 'bomb.png', data: await pngBomb(30_000, 30_000), expect: accept('image/png', 'image'), width: 30_000, height: 30_000 },
    /** The first 60% of a JPEG: header intact, scan data cut. */
    jpegTruncated: {
      name: 'cut.jpg',
      data: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)),
      expect: accept('image/jpeg', 'image'),
      width: 640,
      height: 480,
    },
  } satisfies Record<string, CorpusFile>;
}

// --- images ---

const noise = (width: number, height: number) => ({
  create: { width, height, channels: 3 as const, background: '#3a7', noise: { type: 'gaussian' as const, mean: 128, sigma: 40 } },
});

/** A photo-like (noisy, so realistically sized) JPEG. */
export async function photo(width: number, height: number, quality = 85): Promise<Buffer> {
  return sharp(noise(width, height)).jpeg({ quality }).toBuffer();
}

/** Three 120×80 frames of different colours. */
async function animated(format: 'gif' | 'webp'): Promise<Buffer> {
  const frames = await Promise.all(
    ['#e33', '#3e3', '#33e'].map((background) =>
      sharp({ create: { width: 120, height: 80, channels: 3, background } })
        .png()
        .toBuffer(),
    ),
  );
  const anim = sharp(frames, { join: { animated: true } });
  return format === 'gif'
    ? anim.gif({ loop: 0, delay: [100, 100, 100] }).toBuffer()
    : anim.webp({ loop: 0, delay: [100, 100, 100] }).toBuffer();
}

async function jpegWithGps(): Promise<Buffer> {
  return sharp(noise(600, 400))
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'Rooms', Model: 'Corpus' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 868/100' },
    })
    .toBuffer();
}

async function pngBomb(width: number, height: number): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth 1
  ihdr[9] = 0; // greyscale
  const row = Buffer.alloc(1 + Math.ceil(width / 8)); // filter byte 0, then zeros
  const rowsPerChunk = 256;
  const chunk = Buffer.concat(Array.from({ length: rowsPerChunk }, () => row));
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (let y = 0; y < height; y += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, height - y);
    if (!deflate.write(rows === rowsPerChunk ? chunk : chunk.subarray(0, rows * row.length)))
      await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.concat(out)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

// --- documents and archives ---

function pdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    streamObject('BT /F1 18 Tf 20 40 Td (Rooms corpus) Tj ET'),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const streamObject = (content: string) => `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;

/** A Word FIB start (wIdent 0xA5EC, nFib 0xC1) padded to the 4,096 bytes that keep it out of the mini stream. */
function wordStream(): Buffer {
  const b = Buffer.alloc(4096);
  b.writeUInt16LE(0xa5ec, 0);
  b.writeUInt16LE(0x00c1, 2);
  return b;
}

/**
 * A version 3 Compound File (512-byte sectors): header, one FAT sector, one directory sector, then
 * each stream (at least 4,096 bytes, so none lives in the mini stream) in consecutive sectors.
 * An entry without data is an (empty) storage.
 */
export function cfb(entries: { name: string; data?: Buffer }[]): Buffer {
  const streams = entries.map((e) => ({ name: e.name, data: e.data ?? Buffer.alloc(0), storage: e.data === undefined }));
  const SECTOR = 512;
  const END = 0xfffffffe;
  const NONE = 0xffffffff;
  if (streams.length > 3) throw new Error('one directory sector holds the root and 3 streams');
  const fat = Buffer.alloc(SECTOR, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // sector 0: the FAT itself
  fat.writeUInt32LE(END, 4); // sector 1: the directory
  let next = 2;
  const starts = streams.map((s) => {
    if (s.storage) return END;
    if (s.data.length < 4096 || s.data.length % SECTOR) throw new Error('streams are whole sectors, at least 4,096 bytes');
    const start = next;
    const count = s.data.length / SECTOR;
    for (let i = 0; i < count; i++) fat.writeUInt32LE(i === count - 1 ? END : start + i + 1, (start + i) * 4);
    next += count;
    return start;
  });
  if (next > SECTOR / 4) throw new Error('too many sectors for one FAT sector');
  const dir = Buffer.alloc(SECTOR);
  const entry = (i: number, name: string, type: number, child: number, right: number, start: number, size: number) => {
    const e = dir.subarray(i * 128, (i + 1) * 128);
    e.write(name, 0, 'utf16le');
    e.writeUInt16LE((name.length + 1) * 2, 64);
    e[66] = type;
    e[67] = 1; // black
    e.writeUInt32LE(NONE, 68);
    e.writeUInt32LE(right, 72);
    e.writeUInt32LE(child, 76);
    e.writeUInt32LE(start, 116);
    e.writeBigUInt64LE(BigInt(size), 120);
  };
  entry(0, 'Root Entry', 5, streams.length ? 1 : NONE, NONE, END, 0);
  streams.forEach((s, i) =>
    entry(i + 1, s.name, s.storage ? 1 : 2, NONE, i + 2 <= streams.length ? i + 2 : NONE, starts[i]!, s.data.length),
  );
  for (let i = streams.length + 1; i < 4; i++) for (const at of [68, 72, 76]) dir.writeUInt32LE(NONE, i * 128 + at);
  const header = Buffer.alloc(SECTOR);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // FAT sectors
  header.writeUInt32LE(1, 0x30); // first directory sector
  header.writeUInt32LE(4096, 0x38); // mini stream cutoff
  header.writeUInt32LE(END, 0x3c); // no mini FAT
  header.writeUInt32LE(END, 0x44); // no DIFAT sectors
  header.fill(0xff, 0x4c);
  header.writeUInt32LE(0, 0x4c); // DIFAT[0]: the FAT is sector 0
  return Buffer.concat([header, fat, dir, ...streams.map((s) => s.data)]);
}

function docx(): Buffer {
  const xml = (s: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${s}`);
  return zip([
    {
      name: '[Content_Types].xml',
      data: xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    },
    {
      name: '_rels/.rels',
      data: xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      ),
    },
    {
      name: 'word/document.xml',
      data: xml(
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Rooms corpus</w:t></w:r></w:p></w:body></w:document>',
      ),
    },
  ]);
}

/** A zip archive (deflated entries, UTF-8 names). */
export function zip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const packed = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

// --- audio and video containers ---

/** MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz, mono, silent (zero side info). */
function mp3(frames = 40): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0xc0]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

const OGG_CRC = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggPage(packet: Buffer, opts: { seq: number; granule: bigint; first?: boolean; last?: boolean }): Buffer {
  if (packet.length >= 255 * 255) throw new Error('one packet per page, under 65,025 bytes');
  const lacing = [...Array.from({ length: Math.floor(packet.length / 255) }, () => 255), packet.length % 255];
  const h = Buffer.alloc(27 + lacing.length);
  h.write('OggS', 0, 'latin1');
  h[5] = (opts.first ? 2 : 0) | (opts.last ? 4 : 0);
  h.writeBigInt64LE(opts.granule, 6);
  h.writeUInt32LE(0x526f6f6d, 14); // serial "Room"
  h.writeUInt32LE(opts.seq, 18);
  h[26] = lacing.length;
  Buffer.from(lacing).copy(h, 27);
  const page = Buffer.concat([h, packet]);
  let crc = 0;
  for (const b of page) crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  page.writeUInt32LE(crc, 22);
  return page;
}

function opusHead(): Buffer {
  const b = Buffer.alloc(19);
  b.write('OpusHead', 0, 'latin1');
  b[8] = 1; // version
  b[9] = 1; // mono
  b.writeUInt16LE(312, 10); // pre-skip
  b.writeUInt32LE(48000, 12);
  return b;
}

function vorbisComment(magic: string): Buffer {
  const vendor = Buffer.from('rooms corpus');
  const b = Buffer.alloc(magic.length + 4 + vendor.length + 4);
  b.write(magic, 0, 'latin1');
  b.writeUInt32LE(vendor.length, magic.length);
  vendor.copy(b, magic.length + 4);
  return b;
}

/** Ogg Opus: OpusHead, OpusTags, then 50 packets of 20 ms (TOC byte only: silence). */
function oggOpus(): Buffer {
  const pages = [oggPage(opusHead(), { seq: 0, granule: 0n, first: true }), oggPage(vorbisComment('OpusTags'), { seq: 1, granule: 0n })];
  for (let i = 0; i < 50; i++) pages.push(oggPage(Buffer.from([0xf8]), { seq: i + 2, granule: BigInt((i + 1) * 960), last: i === 49 }));
  return Buffer.concat(pages);
}

/** Ogg Vorbis identification and comment headers (no setup header or audio: enough to type it). */
function oggVorbis(): Buffer {
  const id = Buffer.alloc(30);
  id[0] = 1;
  id.write('vorbis', 1, 'latin1');
  id[11] = 1; // channels
  id.writeUInt32LE(44100, 12);
  id[28] = 0xb8; // block sizes 256 / 2048
  id[29] = 1; // framing
  const comment = Buffer.concat([Buffer.from([3]), vorbisComment('vorbis'), Buffer.from([1])]);
  return Buffer.concat([oggPage(id, { seq: 0, granule: 0n, first: true }), oggPage(comment, { seq: 1, granule: 0n, last: true })]);
}

const u32 = (...v: number[]) => Buffer.concat(v.map((n) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff])));
const u16 = (n: number) => Buffer.from([n >>> 8, n & 0xff]);
function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}
const fullBox = (type: string, version: number, flags: number, ...payload: Buffer[]) =>
  box(type, u32(((version & 0xff) << 24) | flags), ...payload);
const MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
/** Rotated 90° clockwise, as phones write a video filmed upright. */
const MATRIX_90 = u32(0, 0x10000, 0, 0xffff0000, 0, 0, 0, 0, 0x40000000);

/** An ISO base media file: ftyp, then moov (one trak per track, empty sample tables) and mdat, in either order. */
export function mp4File(
  brand: string,
  compatible: string[],
  tracks: { handler: 'vide' | 'soun'; width?: number; height?: number; quarterTurn?: boolean }[],
  opts: { moovLast?: boolean } = {},
): Buffer {
  const ftyp = box('ftyp', Buffer.from(brand, 'latin1'), u32(0x200), ...compatible.map((c) => Buffer.from(c, 'latin1')));
  const traks = tracks.map((t, i) => {
    const video = t.handler === 'vide';
    const tkhd = fullBox(
      'tkhd',
      0,
      3,
      u32(0, 0, i + 1, 0, 0),
      u32(0, 0),
      u16(0),
      u16(0),
      u16(video ? 0 : 0x100),
      u16(0),
      t.quarterTurn ? MATRIX_90 : MATRIX,
      u32((t.width ?? 0) << 16, (t.height ?? 0) << 16),
    );
    const mdhd = fullBox('mdhd', 0, 0, u32(0, 0, video ? 90000 : 48000, 0), u16(0x55c4), u16(0));
    const hdlr = fullBox(
      'hdlr',
      0,
      0,
      u32(0),
      Buffer.from(t.handler, 'latin1'),
      u32(0, 0, 0),
      Buffer.from(video ? 'VideoHandler\0' : 'SoundHandler\0'),
    );
    const mediaHeader = video ? fullBox('vmhd', 0, 1, u16(0), u16(0), u16(0), u16(0)) : fullBox('smhd', 0, 0, u16(0), u16(0));
    const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
    const stbl = box(
      'stbl',
      fullBox('stsd', 0, 0, u32(0)),
      fullBox('stts', 0, 0, u32(0)),
      fullBox('stsc', 0, 0, u32(0)),
      fullBox('stsz', 0, 0, u32(0, 0)),
      fullBox('stco', 0, 0, u32(0)),
    );
    return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', mediaHeader, dinf, stbl)));
  });
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0, 0, 1000, 0, 0x10000),
    u16(0x100),
    Buffer.alloc(10),
    MATRIX,
    Buffer.alloc(24),
    u32(tracks.length + 1),
  );
  const moov = box('moov', mvhd, ...traks);
  const mdat = box('mdat', Buffer.alloc(opts.moovLast ? 64 * 1024 : 0));
  return Buffer.concat(opts.moovLast ? [ftyp, mdat, moov] : [ftyp, moov, mdat]);
}

/** An EBML element: id as written (marker bits included), size as a minimal vint. */
function ebml(id: number, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const idBytes = Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'), 'hex');
  let len = 1;
  while (body.length >= 2 ** (7 * len) - 1) len++;
  const size = Buffer.alloc(len);
  let v = body.length;
  for (let i = len - 1; i >= 0; i--, v = Math.floor(v / 256)) size[i] = v & 0xff;
  size[0]! |= 0x80 >> (len - 1);
  return Buffer.concat([idBytes, size, body]);
}
const ebmlUint = (id: number, n: number) => ebml(id, n > 0xffff ? u32(n) : n > 0xff ? u16(n) : Buffer.from([n]));
const ebmlString = (id: number, s: string) => ebml(id, Buffer.from(s, 'latin1'));
const ebmlFloat = (id: number, f: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatBE(f);
  return ebml(id, b);
};

/** WebM (or another EBML docType, e.g. matroska): EBML header, a Segment of unknown size (as live recorders write it) with Info, Tracks and one Cluster. */
export function webm(opts: { audio?: boolean; video?: { width: number; height: number }; docType?: string }): Buffer {
  const header = ebml(
    0x1a45dfa3,
    ebmlUint(0x4286, 1),
    ebmlUint(0x42f7, 1),
    ebmlUint(0x42f2, 4),
    ebmlUint(0x42f3, 8),
    ebmlString(0x4282, opts.docType ?? 'webm'),
    ebmlUint(0x4287, 4),
    ebmlUint(0x4285, 2),
  );
  const info = ebml(0x1549a966, ebmlUint(0x2ad7b1, 1_000_000), ebmlString(0x4d80, 'rooms corpus'), ebmlString(0x5741, 'rooms corpus'));
  const entries: Buffer[] = [];
  if (opts.video) {
    entries.push(
      ebml(
        0xae,
        ebmlUint(0xd7, entries.length + 1),
        ebmlUint(0x73c5, entries.length + 1),
        ebmlUint(0x83, 1),
        ebmlString(0x86, 'V_VP8'),
        ebml(0xe0, ebmlUint(0xb0, opts.video.width), ebmlUint(0xba, opts.video.height)),
      ),
    );
  }
  if (opts.audio) {
    entries.push(
      ebml(
        0xae,
        ebmlUint(0xd7, entries.length + 1),
        ebmlUint(0x73c5, entries.length + 1),
        ebmlUint(0x83, 2),
        ebmlString(0x86, 'A_OPUS'),
        ebml(0x63a2, opusHead()),
        ebml(0xe1, ebmlFloat(0xb5, 48000), ebmlUint(0x9f, 1)),
      ),
    );
  }
  const tracks = ebml(0x1654ae6b, ...entries);
  const blocks = Array.from({ length: 10 }, (_, i) => ebml(0xa3, Buffer.from([0x81, 0, i * 20, 0x80, 0xf8])));
  const cluster = ebml(0x1f43b675, ebmlUint(0xe7, 0), ...blocks);
  const segment = Buffer.concat([Buffer.from('18538067', 'hex'), Buffer.from('01ffffffffffffff', 'hex'), info, tracks, cluster]);
  return Buffer.concat([header, segment]);
}
