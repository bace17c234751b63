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
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
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
 *   (Excel, PowerPoint, MSI and other CFB files are refused);
 * - MP4/M4A and WebM are video when they hold a video track, audio when they hold only audio
 *   tracks; when no track list is found near the start (WebM) or anywhere (MP4), the container's
 *   own hint decides (M4A brands → audio, everything else → video);
 * - Ogg is audio only (Vorbis, Opus, FLAC, Speex); Ogg Theora video is refused.
 */
export async function inspectType(path: string): Promise<TypeInspection> {
  const found = await fileTypeFromFile(path);
  if (!found) return refused(null);
  const direct = DIRECT[found.mime];
  if (direct) return { type: allowed(direct), detected: found.mime };
  if (found.mime === 'application/x-cfb') {
    return (await withFile(path, hasWordDocumentStream)) ? { type: allowed('application/msword'), detected: 'application/msword' } : refused(found.mime);
  }
  if (MP4_FAMILY.has(found.mime)) {
    const tracks = await withFile(path, mp4Tracks);
    const audio = !tracks.video && (tracks.audio || found.mime.startsWith('audio/'));
    return { type: audio ? allowed('audio/mp4') : allowed('video/mp4', knownDims(tracks.video)), detected: found.mime };
  }
  if (found.mime === 'video/webm') {
    const tracks = await withFile(path, webmTracks);
    return { type: !tracks.video && tracks.audio ? allowed('audio/webm') : allowed('video/webm', knownDims(tracks.video)), detected: found.mime };
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

// --- Compound File Binary (MS-CFB): does the directory hold a WordDocument stream? ---

const CFB_END = 0xfffffffa; // every sector id from here up is a marker (end of chain, free, FAT, DIFAT)
const CFB_MAX_DIR_SECTORS = 4096;

async function hasWordDocumentStream(f: RandomAccess): Promise<boolean> {
  const h = await f.read(0, 512);
  if (h.length < 512) return false;
  const shift = h.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return false;
  const sectorSize = 1 << shift;
  const sectorCount = Math.floor((f.size - sectorSize) / sectorSize) + 1;
  const fatSectors: number[] = [];
  const fatCount = h.readUInt32LE(0x2c);
  for (let i = 0; i < Math.min(109, fatCount); i++) fatSectors.push(h.readUInt32LE(0x4c + i * 4));
  // More FAT sectors are listed in the DIFAT chain (large files).
  for (let s = h.readUInt32LE(0x44), hops = 0; fatSectors.length < fatCount && s < CFB_END && hops < 1024; hops++) {
    const d = await f.read((s + 1) * sectorSize, sectorSize);
    if (d.length < sectorSize) return false;
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
      if (type !== 2 || nameBytes < 2 || nameBytes > 64) continue;
      if (dir.toString('utf16le', e, e + nameBytes - 2) === 'WordDocument') return true;
    }
  }
  return false;
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
  tracks.video = tkhd && tkhd.length >= at + 8 ? { width: tkhd.readUInt32BE(at) >>> 16, height: tkhd.readUInt32BE(at + 4) >>> 16 } : { width: 0, height: 0 };
}

/** The payloads of the direct child boxes of `type` in a box payload. */
function children(buf: Buffer, type: string): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos + 8 <= buf.length; ) {
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
const EBML = { segment: 0x18538067, tracks: 0x1654ae6b, trackEntry: 0xae, trackType: 0x83, video: 0xe0, pixelWidth: 0xb0, pixelHeight: 0xba, cluster: 0x1f43b675 };

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
  for (let pos = start; pos < end; ) {
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

function vint(buf: Buffer, pos: number, maxLength: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | null {
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
