import type { FileHandle } from 'node:fs/promises';

/**
 * Polyglot checks: where an allowed format's own structure says the file ends, and whether other
 * data was glued after (or, for zip archives, before) it. A PNG with an executable after IEND, a
 * PDF with a script after its last %%EOF, a ZIP behind a JPEG: each format is walked the way its
 * readers walk it, and the bytes no reader of that format would look at are refused.
 */

export interface Polyglot {
  code: 'malware_detected';
  reason: string;
}

/** Reads forward through a file with a small buffer (format walks make many tiny reads). */
class Cursor {
  private buf = Buffer.alloc(0);
  private bufAt = 0;
  pos = 0;
  private readonly fh: FileHandle;
  readonly size: number;
  constructor(fh: FileHandle, size: number) {
    this.fh = fh;
    this.size = size;
  }

  /** `n` bytes at the cursor (fewer at the end of the file), without moving it. */
  async peek(n: number): Promise<Buffer> {
    if (this.pos < this.bufAt || this.pos + n > this.bufAt + this.buf.length) {
      const len = Math.min(Math.max(n, 64 * 1024), this.size - this.pos);
      const b = Buffer.alloc(Math.max(len, 0));
      const { bytesRead } = len > 0 ? await this.fh.read(b, 0, len, this.pos) : { bytesRead: 0 };
      this.buf = b.subarray(0, bytesRead);
      this.bufAt = this.pos;
    }
    return this.buf.subarray(this.pos - this.bufAt, this.pos - this.bufAt + n);
  }

  /** peek() without a read when the bytes are already buffered (undefined: they are not). */
  peekBuffered(n: number): Buffer | undefined {
    const from = this.pos - this.bufAt;
    const end = this.bufAt + this.buf.length;
    if (from < 0 || (this.pos + n > end && end < this.size)) return undefined;
    return this.buf.subarray(from, from + n);
  }

  /** byte() when it is buffered (undefined: call byte()). */
  byteBuffered(): number | null | undefined {
    const b = this.peekBuffered(1);
    if (b === undefined) return undefined;
    if (b.length < 1) return null;
    this.pos += 1;
    return b[0]!;
  }

  /** The byte at the cursor, moving past it (null at the end of the file). */
  async byte(): Promise<number | null> {
    const b = this.peekBuffered(1) ?? (await this.peek(1));
    if (b.length < 1) return null;
    this.pos += 1;
    return b[0]!;
  }
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const b = Buffer.alloc(Math.max(0, len));
  const { bytesRead } = await fh.read(b, 0, b.length, pos);
  return b.subarray(0, bytesRead);
}

/** Whitespace and NUL padding some writers leave at the end of a file; not a second payload. */
const PADDING_MAX = 1024;
/** Old encoders leave a few stray bytes after a GIF's or JPEG's end; too few to carry a payload. */
const JUNK_MAX = 32;

/**
 * Whether what follows a format's end is harmless: whitespace/NUL padding, or (for media, not
 * PDF) a few stray bytes with no markup, no #! and nothing that reads as words.
 */
async function isHarmlessTail(fh: FileHandle, from: number, size: number, junkAllowed: boolean): Promise<boolean> {
  if (size - from > PADDING_MAX) return false;
  const tail = (await readAt(fh, from, size - from)).toString('latin1');
  if (/^[\s\0]*$/.test(tail)) return true;
  return junkAllowed && tail.length <= JUNK_MAX && !/[<>]|#!|PK|[A-Za-z]{3}/.test(tail);
}

/** Where a PNG ends: just after its IEND chunk (null: not a well-formed chunk sequence). */
async function pngEnd(c: Cursor): Promise<number | null> {
  c.pos = 8;
  while (c.pos + 12 <= c.size) {
    const h = c.peekBuffered(8) ?? (await c.peek(8));
    const len = h.readUInt32BE(0);
    const type = h.subarray(4, 8).toString('latin1');
    if (!/^[A-Za-z]{4}$/.test(type) || len > 0x7fffffff) return null;
    c.pos += 12 + len;
    if (type === 'IEND') return c.pos;
  }
  return null;
}

/** Where a GIF ends: just after its trailer byte (0x3B). */
async function gifEnd(c: Cursor): Promise<number | null> {
  const head = await c.peek(13);
  c.pos = 13;
  if (head[10]! & 0x80) c.pos += 3 * (2 << (head[10]! & 7));
  const subBlocks = async () => {
    for (;;) {
      let n = c.byteBuffered();
      if (n === undefined) n = await c.byte();
      if (n === null) return false;
      if (n === 0) return true;
      c.pos += n;
    }
  };
  for (;;) {
    const kind = await c.byte();
    if (kind === 0x3b) return c.pos;
    if (kind === 0x21) {
      c.pos += 1;
      if (!(await subBlocks())) return null;
    } else if (kind === 0x2c) {
      const d = await c.peek(9);
      if (d.length < 9) return null;
      c.pos += 9;
      if (d[8]! & 0x80) c.pos += 3 * (2 << (d[8]! & 7));
      c.pos += 1; // LZW minimum code size
      if (!(await subBlocks())) return null;
    } else {
      return null;
    }
  }
}

/** Where a JPEG ends: just after the EOI marker that closes its last scan. */
async function jpegEnd(c: Cursor, start = 0): Promise<number | null> {
  c.pos = start + 2;
  for (;;) {
    let m = await c.byte();
    if (m !== 0xff) return null;
    while (m === 0xff) m = c.byteBuffered() ?? (await c.byte()); // fill bytes
    if (m === null) return null;
    if (m === 0xd9) return c.pos;
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) continue; // TEM, RSTn: no length
    const len = (await c.peek(2)).readUInt16BE(0);
    if (len < 2) return null;
    c.pos += len;
    if (m !== 0xda) continue;
    // Entropy-coded data after SOS: runs until a 0xFF that is not stuffing (00) nor a restart.
    for (;;) {
      const chunk = await c.peek(64 * 1024);
      if (chunk.length < 2) return null;
      let i = chunk.indexOf(0xff);
      while (i !== -1 && i + 1 < chunk.length && (chunk[i + 1] === 0 || (chunk[i + 1]! >= 0xd0 && chunk[i + 1]! <= 0xd7)))
        i = chunk.indexOf(0xff, i + 2);
      if (i !== -1 && i + 1 < chunk.length) {
        c.pos += i;
        break;
      }
      c.pos += i === -1 ? chunk.length : i; // keep a trailing 0xFF for the next window
      if (i === chunk.length - 1 && c.pos + 1 >= c.size) return null;
    }
  }
}

function printable4(b: Buffer, at: number): boolean {
  for (let i = at; i < at + 4; i++) if (!(b[i]! >= 0x20 && b[i]! <= 0x7e)) return false;
  return true;
}

/** Where an ISO base media file (MP4, M4A) ends: after its last well-formed top-level box. */
async function isoBmffEnd(c: Cursor, start = 0): Promise<number | null> {
  c.pos = start;
  while (c.pos + 8 <= c.size) {
    const h = c.peekBuffered(16) ?? (await c.peek(16));
    let len = h.readUInt32BE(0);
    if (!printable4(h, 4)) return c.pos;
    if (len === 0) return c.size;
    if (len === 1) len = h.length >= 16 ? Number(h.readBigUInt64BE(8)) : 0;
    if (len < 8 || c.pos + len > c.size) return c.pos;
    c.pos += len;
  }
  return c.pos;
}

/** Where an Ogg stream ends: after its last page. */
async function oggEnd(c: Cursor): Promise<number | null> {
  c.pos = 0;
  while (c.pos + 27 <= c.size) {
    const h = c.peekBuffered(27 + 255) ?? (await c.peek(27 + 255));
    if (h.toString('latin1', 0, 4) !== 'OggS') return c.pos;
    const n = h[26]!;
    let body = 0;
    for (let i = 0; i < n; i++) body += h[27 + i] ?? 0;
    c.pos += 27 + n + body;
  }
  return Math.min(c.pos, c.size);
}

/** An EBML variable-length integer at `b[at]`: its length and value (null value: "unknown size"). */
function vint(b: Buffer, at: number, keepMarker: boolean): { length: number; value: number | null } | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (at + length > b.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[at + i]!;
    allOnes &&= b[at + i] === 0xff;
  }
  return { length, value: !keepMarker && allOnes ? null : value };
}

/** Matroska Segment children (level 1, plus Void and CRC-32) and Cluster children. */
const SEGMENT_CHILDREN = new Set([
  0x114d9b74, 0x1549a966, 0x1654ae6b, 0x1f43b675, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367, 0xec, 0xbf,
]);
const CLUSTER_CHILDREN = new Set([0xe7, 0x5854, 0xa7, 0xab, 0xa3, 0xa0, 0xaf, 0xec, 0xbf]);
const CLUSTER = 0x1f43b675;
const SEGMENT = 0x18538067;

/**
 * Where a Matroska/WebM file ends: after its last top-level element. A Segment (or Cluster) of
 * unknown size, as live recorders write them, is followed through its children instead.
 */
async function ebmlEnd(c: Cursor): Promise<number | null> {
  c.pos = 0;
  // Which elements may come next: top level, inside an unknown-size Segment, or Cluster.
  let level: 'top' | 'segment' | 'cluster' = 'top';
  while (c.pos < c.size) {
    const h = c.peekBuffered(12) ?? (await c.peek(12));
    const id = vint(h, 0, true);
    if (!id || id.length > 4) return c.pos;
    if (level === 'cluster' && !CLUSTER_CHILDREN.has(id.value!)) level = 'segment';
    if (level === 'segment' && !SEGMENT_CHILDREN.has(id.value!)) return c.pos;
    const size = vint(h, id.length, false);
    if (!size) return c.pos;
    if (size.value === null) {
      if (level === 'top' && id.value === SEGMENT) level = 'segment';
      else if (level === 'segment' && id.value === CLUSTER) level = 'cluster';
      else return c.pos;
      c.pos += id.length + size.length;
      continue;
    }
    const end = c.pos + id.length + size.length + size.value;
    if (end > c.size) return c.pos;
    c.pos = end;
  }
  return c.pos;
}

/** The last "%%EOF" within the tail of a PDF, where readers look for it. */
async function pdfEnd(fh: FileHandle, size: number): Promise<number | null> {
  const tail = await readAt(fh, Math.max(0, size - PADDING_MAX - 5), PADDING_MAX + 5);
  const at = tail.lastIndexOf('%%EOF');
  return at === -1 ? null : size - tail.length + at + 5;
}

const ZIP_EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/** A zip archive's first bytes: a local file header, or the end record of an empty archive. */
export function startsLikeZip(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/**
 * A zip archive's end-of-central-directory record found at the very end of the file, as every
 * unzip tool finds it (its comment length must reach the last byte exactly).
 */
export async function findZipEnd(fh: FileHandle, size: number): Promise<{ eocdAt: number; cdOffset: number; cdSize: number } | null> {
  const tail = await readAt(fh, Math.max(0, size - 0xffff - 22), 0xffff + 22);
  const base = size - tail.length;
  for (let i = tail.lastIndexOf(ZIP_EOCD); i !== -1; i = i > 0 ? tail.lastIndexOf(ZIP_EOCD, i - 1) : -1) {
    if (i + 22 > tail.length) continue;
    if (i + 22 + tail.readUInt16LE(i + 20) === tail.length)
      return { eocdAt: base + i, cdSize: tail.readUInt32LE(i + 12), cdOffset: tail.readUInt32LE(i + 16) };
  }
  return null;
}

const NAMES = {
  png: 'PNG image',
  gif: 'GIF image',
  jpeg: 'JPEG image',
  webp: 'WebP image',
  pdf: 'PDF',
  mp4: 'MP4/M4A file',
  ogg: 'Ogg file',
  webm: 'WebM file',
} as const;

/** The format whose structure this scanner walks, from the first bytes (null: none of them). */
export function walkableFormat(head: Buffer): keyof typeof NAMES | null {
  if (head.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return 'png';
  if (/^GIF8[79]a/.test(head.toString('latin1', 0, 6))) return 'gif';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (head.toString('latin1', 0, 5) === '%PDF-') return 'pdf';
  if (head.toString('latin1', 4, 8) === 'ftyp') return 'mp4';
  if (head.toString('latin1', 0, 4) === 'OggS') return 'ogg';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  return null;
}

/**
 * Data glued to an allowed format: after its end (images, PDF, MP4, Ogg) or a zip archive
 * riding at the end of a file that is not one (or with bytes in front of its first entry).
 */
export async function findPolyglot(fh: FileHandle, size: number, head: Buffer): Promise<Polyglot | null> {
  const format = walkableFormat(head);
  if (format) {
    const c = new Cursor(fh, size);
    let end: number | null;
    if (format === 'png') end = await pngEnd(c);
    else if (format === 'gif') end = await gifEnd(c);
    else if (format === 'jpeg') end = await jpegWithTrailersEnd(fh, c);
    else if (format === 'webp') end = Math.min(size, 8 + head.readUInt32LE(4) + (head.readUInt32LE(4) & 1));
    else if (format === 'pdf') end = await pdfEnd(fh, size);
    else if (format === 'mp4') end = await isoBmffEnd(c);
    else if (format === 'webm') end = await ebmlEnd(c);
    else end = await oggEnd(c);
    // A file whose structure cannot be walked is not an image a reader would show; the type check
    // and the image pipeline refuse it. Only data past a well-formed end is judged here.
    if (end !== null && end < size && !(await isHarmlessTail(fh, end, size, format !== 'pdf'))) {
      return {
        code: 'malware_detected',
        reason: `${size - end} bytes of other data are appended after the end of the ${NAMES[format]} (a polyglot file)`,
      };
    }
    if (end === null && format === 'pdf')
      return { code: 'malware_detected', reason: 'data is appended after the end of the PDF (no %%EOF near the end of the file)' };
  }
  const zip = await findZipEnd(fh, size);
  if (zip) {
    // Self-extractors and GIFAR-style files keep a zip behind other data (its offsets may even be
    // rebased to the file's start); a genuine archive starts with its first entry.
    const archiveStart = zip.cdOffset === 0xffffffff ? 0 : zip.eocdAt - zip.cdSize - zip.cdOffset;
    if (!startsLikeZip(head) || archiveStart > 0) {
      return { code: 'malware_detected', reason: 'a zip archive is hidden behind other data (a polyglot file)' };
    }
  }
  return null;
}

/**
 * Where a JPEG ends, with what cameras legitimately put after its EOI: more JPEGs (MPF previews),
 * a video (motion photos), each walked in turn, and a Samsung SEF trailer (SEFH … SEFT).
 */
async function jpegWithTrailersEnd(fh: FileHandle, c: Cursor): Promise<number | null> {
  let end = await jpegEnd(c);
  for (let i = 0; end !== null && end < c.size && i < 16; i++) {
    const next = await readAt(fh, end, 12);
    if (next[0] === 0xff && next[1] === 0xd8 && next[2] === 0xff) end = await jpegEnd(c, end);
    else if (next.toString('latin1', 4, 8) === 'ftyp') end = await isoBmffEnd(c, end);
    else break;
  }
  if (end === null || end >= c.size || c.size < 16) return end;
  const tail = await readAt(fh, c.size - 8, 8);
  if (tail.toString('latin1', 4, 8) !== 'SEFT') return end;
  const sefh = c.size - 8 - tail.readUInt32LE(0);
  const ok = sefh >= end && (await readAt(fh, sefh, 4)).toString('latin1') === 'SEFH';
  return ok ? c.size : end;
}
