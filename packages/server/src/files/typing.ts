import { open, type FileHandle } from 'node:fs/promises';
import { ATTACHMENT_TYPES, type AttachmentKind, type AttachmentMime } from '@rooms/protocol';
import { fileTypeFromFile } from 'file-type';

/** An allowed type, detected from the bytes; width/height for video when the container says them. */
export interface DetectedType {
  mime: AttachmentMime;
  kind: AttachmentKind;
  width?: number;
  height?: number;
}

/** What the bytes are: the allowed type, or null with what was recognised (for the refusal message). */
export interface TypeInspection {
  type: DetectedType | null;
  /** The MIME type file-type (or a closer look) recognised, allowed or not; null when nothing was recognised. */
  detected: string | null;
}

const allowed = (mime: AttachmentMime, dims?: Dims): DetectedType => ({ mime, kind: ATTACHMENT_TYPES[mime], ...dims });
const refused = (detected: string | null): TypeInspection => ({ type: null, detected });

/** Types taken as they are, and a few aliases file-type reports for an allowed type. */
const DIRECT: Record<string, AttachmentMime> = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/apng': 'image/png', // an animated PNG is a PNG; it is thumbnailed from its first frame
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
  'application/pdf': 'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/zip': 'application/zip',
  'audio/mpeg': 'audio/mpeg',
  'audio/ogg': 'audio/ogg', // Vorbis, FLAC or Speex in Ogg
  'audio/ogg; codecs=opus': 'audio/ogg',
};
/** ISO base media (MP4) files: audio or video is decided from their tracks. */
const MP4_FAMILY = new Set(['video/mp4', 'audio/mp4', 'audio/x-m4a', 'video/x-m4v']);

/**
 * Types a file from its bytes only (never its name or declared type) and maps it onto ATTACHMENT_TYPES.
 * Rules beyond file-type's answer:
 * - a Compound File (OLE2) is a Word .doc only when its directory holds a `WordDocument` stream
 *   (Excel, PowerPoint, MSI and other CFB files are refused), and no VBA project (a `Macros` or
 *   `_VBA_PROJECT_CUR` storage, or a `_VBA_PROJECT` stream): a .doc with macros is refused, as a
 *   .docm is;
 * - MPEG audio without an ID3 tag must show two consecutive valid frame headers (file-type trusts
 *   the first 11 sync bits, which any file starting with FF Ex/Fx has);
 * - MP4/M4A and WebM are video when they hold a video track, audio when they hold only audio
 *   tracks; when no track list is found near the start (WebM) or anywhere (MP4), the container's
 *   own hint decides (M4A brands → audio, everything else → video); video dimensions are as
 *   displayed (an MP4 track turned a quarter by its matrix has them swapped);
 * - Ogg is audio only (Vorbis, Opus, FLAC, Speex); Ogg Theora video is refused.
 */
export async function inspectType(path: string): Promise<TypeInspection> {
  const found = await fileTypeFromFile(path).catch((err: unknown) => {
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('E')) throw err; // I/O (ENOENT, EACCES…)
    return undefined; // a parser that gave up on malformed bytes: nothing recognised
  });
  if (!found) return refused(null);
  if (found.mime === 'audio/mpeg' && !(await withFile(path, mpegAudioFrames))) return refused(null);
  const direct = DIRECT[found.mime];
  if (direct) return { type: allowed(direct), detected: found.mime };
  if (found.mime === 'application/x-cfb') {
    const word = await withFile(path, wordDocument);
    if (word === 'macros') return refused(WORD_WITH_MACROS);
    return word === 'word' ? { type: allowed('application/msword'), detected: 'application/msword' } : refused(found.mime);
  }
  if (MP4_FAMILY.has(found.mime)) {
    const tracks = await withFile(path, mp4Tracks);
    const audio = !tracks.video && (tracks.audio || found.mime.startsWith('audio/'));
    return { type: audio ? allowed('audio/mp4') : allowed('video/mp4', knownDims(tracks.video)), detected: found.mime };
  }
  if (found.mime === 'video/webm') {
    const tracks = await withFile(path, webmTracks);
    return {
      type: !tracks.video && tracks.audio ? allowed('audio/webm') : allowed('video/webm', knownDims(tracks.video)),
      detected: found.mime,
    };
  }
  return refused(found.mime);
}

/** The allowed type of the file at path, from its bytes; null when it is unknown or not allowed (415). */
export async function detectType(path: string): Promise<DetectedType | null> {
  return (await inspectType(path)).type;
}

/** The message of a 415 refusal, naming the recognised type when there is one. */
export function unsupportedTypeMessage(detected: string | null): string {
  return detected ? `files of type ${detected} are not accepted` : 'the file type was not recognised (or is not accepted)';
}

type Dims = { width: number; height: number };
const knownDims = (d: Dims | null): Dims | undefined => (d && d.width > 0 && d.height > 0 ? d : undefined);
interface Tracks {
  /** Dimensions of the first video track, or {0,0} when it says none; null when there is no video track. */
  video: Dims | null;
  audio: boolean;
}

async function withFile<T>(path: string, read: (f: RandomAccess) => Promise<T>): Promise<T> {
  const fh = await open(path, 'r');
  try {
    return await read(new RandomAccess(fh, (await fh.stat()).size));
  } finally {
    await fh.close();
  }
}

class RandomAccess {
  private readonly fh: FileHandle;
  readonly size: number;

  constructor(fh: FileHandle, size: number) {
    this.fh = fh;
    this.size = size;
  }

  /** Up to `length` bytes at `position` (fewer at the end of the file). */
  async read(position: number, length: number): Promise<Buffer> {
    const len = Math.max(0, Math.min(length, this.size - position));
    const buf = Buffer.alloc(len);
    if (len > 0) await this.fh.read(buf, 0, len, position);
    return buf;
  }
}

/** What a refused Word .doc with a VBA project is reported as (Word's own MIME type for a macro-enabled document). */
export const WORD_WITH_MACROS = 'application/vnd.ms-word.document.macroEnabled.12';

// --- Compound File Binary (MS-CFB): does the directory hold a WordDocument stream (and macros)? ---

const VBA_ENTRIES = new Set(['Macros', '_VBA_PROJECT_CUR', '_VBA_PROJECT', 'VBA']);

const CFB_END = 0xfffffffa; // every sector id from here up is a marker (end of chain, free, FAT, DIFAT)
const CFB_MAX_DIR_SECTORS = 4096;

async function wordDocument(f: RandomAccess): Promise<'word' | 'macros' | null> {
  const names = await cfbEntryNames(f);
  if (!names.has('WordDocument')) return null;
  return [...VBA_ENTRIES].some((n) => names.has(n)) ? 'macros' : 'word';
}

/** The names of the streams and storages in a Compound File's directory (empty when it does not parse). */
async function cfbEntryNames(f: RandomAccess): Promise<Set<string>> {
  const names = new Set<string>();
  const h = await f.read(0, 512);
  if (h.length < 512) return names;
  const shift = h.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return names;
  const sectorSize = 1 << shift;
  const sectorCount = Math.floor((f.size - sectorSize) / sectorSize) + 1;
  const fatSectors: number[] = [];
  const fatCount = h.readUInt32LE(0x2c);
  for (let i = 0; i < Math.min(109, fatCount); i++) fatSectors.push(h.readUInt32LE(0x4c + i * 4));
  // More FAT sectors are listed in the DIFAT chain (large files).
  for (let s = h.readUInt32LE(0x44), hops = 0; fatSectors.length < fatCount && s < CFB_END && hops < 1024; hops++) {
    const d = await f.read((s + 1) * sectorSize, sectorSize);
    if (d.length < sectorSize) return names;
    for (let i = 0; i < sectorSize / 4 - 1 && fatSectors.length < fatCount; i++) fatSectors.push(d.readUInt32LE(i * 4));
    s = d.readUInt32LE(sectorSize - 4);
  }
  const perFat = sectorSize / 4;
  const next = async (s: number): Promise<number> => {
    const fat = fatSectors[Math.floor(s / perFat)];
    if (fat === undefined || fat >= CFB_END) return CFB_END;
    const b = await f.read((fat + 1) * sectorSize + (s % perFat) * 4, 4);
    return b.length === 4 ? b.readUInt32LE(0) : CFB_END;
  };
  const seen = new Set<number>();
  for (let s = h.readUInt32LE(0x30); s < CFB_END && s < sectorCount && !seen.has(s) && seen.size < CFB_MAX_DIR_SECTORS; s = await next(s)) {
    seen.add(s);
    const dir = await f.read((s + 1) * sectorSize, sectorSize);
    for (let e = 0; e + 128 <= dir.length; e += 128) {
      const nameBytes = dir.readUInt16LE(e + 64);
      const type = dir[e + 66];
      if ((type !== 1 && type !== 2) || nameBytes < 2 || nameBytes > 64) continue;
      names.add(dir.toString('utf16le', e, e + nameBytes - 2));
    }
  }
  return names;
}

// --- MPEG audio: two consecutive frame headers ---

/** kbit/s by [MPEG-1?][layer 1..3][index]. */
const MPEG_BITRATES = {
  v1: [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  v2: [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
};
const MPEG_RATES = [44100, 48000, 32000];

/** The length of the MPEG audio frame whose header is at h[0..3]; 0 when it is not a valid header; -1 for free format. */
function mpegFrameLength(h: Buffer): number {
  if (h.length < 4 || h[0] !== 0xff || (h[1]! & 0xe0) !== 0xe0) return 0;
  const version = (h[1]! >> 3) & 3; // 0: 2.5, 2: 2, 3: 1
  const layer = 4 - ((h[1]! >> 1) & 3); // 1..3
  const bitrateIndex = h[2]! >> 4;
  const rateIndex = (h[2]! >> 2) & 3;
  if (version === 1 || layer === 4 || bitrateIndex === 15 || rateIndex === 3) return 0;
  if (bitrateIndex === 0) return -1;
  const kbps = (version === 3 ? MPEG_BITRATES.v1 : MPEG_BITRATES.v2)[layer - 1]![bitrateIndex]!;
  const rate = MPEG_RATES[rateIndex]! / (version === 3 ? 1 : version === 2 ? 2 : 4);
  const padding = (h[2]! >> 1) & 1;
  if (layer === 1) return (Math.floor((12 * kbps * 1000) / rate) + padding) * 4;
  const factor = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((factor * kbps * 1000) / rate) + padding;
}

async function mpegAudioFrames(f: RandomAccess): Promise<boolean> {
  const head = await f.read(0, 4);
  if (head.toString('latin1', 0, 3) === 'ID3') return true; // file-type found frames after the tag
  const length = mpegFrameLength(head);
  if (length === -1) return true; // free format: no length to check
  if (length <= 0) return false;
  if (length === f.size) return true; // a single frame
  const next = await f.read(length, 4);
  return mpegFrameLength(next) !== 0 && (next[1]! & 0xfe) === (head[1]! & 0xfe);
}

// --- ISO base media (MP4, M4A): tracks from moov/trak/{tkhd, mdia/hdlr} ---

const MP4_MAX_MOOV = 8 * 1024 * 1024;
const MP4_MAX_TOP_BOXES = 1024;

async function mp4Tracks(f: RandomAccess): Promise<Tracks> {
  const tracks: Tracks = { video: null, audio: false };
  let pos = 0;
  for (let n = 0; n < MP4_MAX_TOP_BOXES && pos + 8 <= f.size; n++) {
    const h = await f.read(pos, 16);
    let size = h.readUInt32BE(0);
    let header = 8;
    if (size === 1 && h.length >= 16) {
      size = Number(h.readBigUInt64BE(8));
      header = 16;
    } else if (size === 0) size = f.size - pos;
    if (size < header) break;
    if (h.toString('latin1', 4, 8) === 'moov') {
      if (size > MP4_MAX_MOOV) break;
      const moov = await f.read(pos + header, size - header);
      for (const trak of children(moov, 'trak')) readTrak(trak, tracks);
      break;
    }
    pos += size;
  }
  return tracks;
}

function readTrak(trak: Buffer, tracks: Tracks): void {
  const [mdia] = children(trak, 'mdia');
  const [hdlr] = mdia ? children(mdia, 'hdlr') : [];
  const handler = hdlr && hdlr.length >= 12 ? hdlr.toString('latin1', 8, 12) : '';
  if (handler === 'soun') tracks.audio = true;
  if (handler !== 'vide' || tracks.video) return;
  const [tkhd] = children(trak, 'tkhd');
  const at = tkhd?.[0] === 1 ? 88 : 76;
  if (!tkhd || tkhd.length < at + 8) {
    tracks.video = { width: 0, height: 0 };
    return;
  }
  const width = tkhd.readUInt32BE(at) >>> 16;
  const height = tkhd.readUInt32BE(at + 4) >>> 16;
  // The display matrix (a b u / c d v / x y w) before the size: a = d = 0 is a quarter turn (phones filming upright).
  const matrix = at - 36;
  const quarterTurn = tkhd.readInt32BE(matrix) === 0 && tkhd.readInt32BE(matrix + 16) === 0;
  tracks.video = quarterTurn ? { width: height, height: width } : { width, height };
}

/** The payloads of the direct child boxes of `type` in a box payload. */
function children(buf: Buffer, type: string): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos + 8 <= buf.length;) {
    let size = buf.readUInt32BE(pos);
    let header = 8;
    if (size === 1 && pos + 16 <= buf.length) {
      size = Number(buf.readBigUInt64BE(pos + 8));
      header = 16;
    } else if (size === 0) size = buf.length - pos;
    if (size < header || pos + size > buf.length) break;
    if (buf.toString('latin1', pos + 4, pos + 8) === type) out.push(buf.subarray(pos + header, pos + size));
    pos += size;
  }
  return out;
}

// --- WebM (EBML): tracks from Segment/Tracks/TrackEntry ---

const WEBM_HEAD = 256 * 1024;
const EBML = {
  segment: 0x18538067,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackType: 0x83,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  cluster: 0x1f43b675,
};

async function webmTracks(f: RandomAccess): Promise<Tracks> {
  const buf = await f.read(0, WEBM_HEAD);
  const tracks: Tracks = { video: null, audio: false };
  // Top level: the EBML header, then the Segment; inside it, Tracks comes before the first Cluster.
  for (const el of elements(buf, 0, buf.length)) {
    if (el.id !== EBML.segment) continue;
    for (const seg of elements(buf, el.start, el.end)) {
      if (seg.id === EBML.cluster) break;
      if (seg.id !== EBML.tracks) continue;
      for (const entry of elements(buf, seg.start, seg.end)) if (entry.id === EBML.trackEntry) readTrackEntry(buf, entry, tracks);
      return tracks;
    }
  }
  return tracks;
}

function readTrackEntry(buf: Buffer, entry: Element, tracks: Tracks): void {
  let type = 0;
  let dims: Dims = { width: 0, height: 0 };
  for (const el of elements(buf, entry.start, entry.end)) {
    if (el.id === EBML.trackType) type = readUint(buf, el);
    if (el.id === EBML.video) {
      for (const v of elements(buf, el.start, el.end)) {
        if (v.id === EBML.pixelWidth) dims = { ...dims, width: readUint(buf, v) };
        if (v.id === EBML.pixelHeight) dims = { ...dims, height: readUint(buf, v) };
      }
    }
  }
  if (type === 2) tracks.audio = true;
  if (type === 1 && !tracks.video) tracks.video = dims;
}

interface Element {
  id: number;
  start: number;
  end: number;
}

/** The elements between start and end; an unknown or overlong size is cut at end (the head was read, not the file). */
function* elements(buf: Buffer, start: number, end: number): Generator<Element> {
  for (let pos = start; pos < end;) {
    const id = vint(buf, pos, 4, true);
    if (!id) return;
    const size = vint(buf, pos + id.length, 8, false);
    if (!size) return;
    const bodyStart = pos + id.length + size.length;
    const bodyEnd = size.unknown ? end : Math.min(end, bodyStart + size.value);
    yield { id: id.value, start: bodyStart, end: bodyEnd };
    if (size.unknown) return;
    pos = bodyStart + size.value;
  }
}

function vint(
  buf: Buffer,
  pos: number,
  maxLength: number,
  keepMarker: boolean,
): { value: number; length: number; unknown: boolean } | null {
  const first = buf[pos];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > maxLength || pos + length > buf.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const b = buf[pos + i]!;
    value = value * 256 + b;
    allOnes &&= b === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(buf: Buffer, el: Element): number {
  let v = 0;
  for (let i = el.start; i < el.end && i < el.start + 6; i++) v = v * 256 + buf[i]!;
  return v;
}
