/**
 * Location removal without re-encoding: inside an EXIF (TIFF) block the GPS IFD is emptied (its
 * entries and their values zeroed) and its pointer removed from IFD0, in place, so every other
 * offset stays valid and the rest (orientation, camera, date) is kept; XMP packets that name GPS
 * properties are dropped whole. Containers handled: JPEG (APP1), PNG (eXIf, iTXt/tEXt/zTXt) and
 * WebP (EXIF, XMP chunks). Any structure that does not parse makes stripGps return null, and the
 * caller falls back to re-encoding.
 */
import { crc32 } from 'node:zlib';

const GPS_IFD_TAG = 0x8825;
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
const XMP_GPS = /GPS(Latitude|Longitude|Altitude|DestLatitude|DestLongitude|Coordinates|Position)/i;
const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const PNG_EXIF_TEXT = /^Raw profile type (exif|APP1)$/i;

/** The parts of sharp's metadata that may hold a location. */
export interface LocationMetadata {
  exif?: Buffer | undefined;
  xmp?: Buffer | undefined;
  /** PNG text chunks: ImageMagick and exiftool keep EXIF in `Raw profile type exif` (hex). */
  comments?: { keyword: string; text: string }[] | undefined;
}

/**
 * Whether an image's metadata carries (or may carry) a location: a non-empty EXIF GPS IFD, an EXIF
 * block too malformed to tell, XMP GPS properties, or a PNG raw EXIF profile (always removed).
 */
export function hasGps(meta: LocationMetadata): boolean {
  if (meta.xmp && XMP_GPS.test(meta.xmp.toString('latin1'))) return true;
  if (meta.comments?.some((c) => PNG_EXIF_TEXT.test(c.keyword))) return true;
  if (!meta.exif) return false;
  const tiff = withoutExifHeader(meta.exif);
  const found = findGpsIfd(tiff);
  if (found === 'malformed') return true;
  return found !== null && (found.gpsOffset + 2 > tiff.length || tiffReader(tiff).u16(found.gpsOffset) > 0);
}

/** The file with its location removed losslessly, or null when its structure is not understood. */
export function stripGps(file: Buffer, mime: string): Buffer | null {
  try {
    switch (mime) {
      case 'image/jpeg':
        return stripJpeg(file);
      case 'image/png':
        return stripPng(file);
      case 'image/webp':
        return stripWebp(file);
      default:
        return null;
    }
  } catch {
    return null;
  }
}

const withoutExifHeader = (b: Buffer): Buffer => (b.subarray(0, 6).equals(EXIF_HEADER) ? b.subarray(6) : b);

function tiffReader(tiff: Buffer) {
  const le = tiff.toString('latin1', 0, 2) === 'II';
  if (!le && tiff.toString('latin1', 0, 2) !== 'MM') throw new Error('not TIFF');
  return {
    u16: (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at)),
    u32: (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at)),
    setU16: (v: number, at: number) => (le ? tiff.writeUInt16LE(v, at) : tiff.writeUInt16BE(v, at)),
  };
}

/** IFD0's offset, the index of its GPS pointer entry and the GPS IFD's offset; null when there is no GPS IFD. */
function findGpsIfd(tiff: Buffer): { ifd0: number; index: number; gpsOffset: number } | null | 'malformed' {
  try {
    const r = tiffReader(tiff);
    const ifd0 = r.u32(4);
    const count = r.u16(ifd0);
    if (ifd0 + 2 + count * 12 + 4 > tiff.length) return 'malformed';
    for (let i = 0; i < count; i++) {
      const at = ifd0 + 2 + i * 12;
      if (r.u16(at) === GPS_IFD_TAG) return { ifd0, index: i, gpsOffset: r.u32(at + 8) };
    }
    return null;
  } catch {
    return 'malformed';
  }
}

/** Empties and unlinks the GPS IFD of a TIFF block in place; throws when the block does not parse. */
function stripTiffGps(tiff: Buffer): void {
  const found = findGpsIfd(tiff);
  if (found === 'malformed') throw new Error('malformed EXIF');
  if (!found) return;
  const r = tiffReader(tiff);
  const { ifd0, index, gpsOffset } = found;
  if (gpsOffset + 2 <= tiff.length) {
    const n = r.u16(gpsOffset);
    if (gpsOffset + 2 + n * 12 > tiff.length) throw new Error('GPS IFD past the block');
    for (let i = 0; i < n; i++) {
      const at = gpsOffset + 2 + i * 12;
      const size = (TYPE_SIZES[r.u16(at + 2)] ?? 1) * r.u32(at + 4);
      const valueAt = r.u32(at + 8);
      if (size > 4 && valueAt + size <= tiff.length) tiff.fill(0, valueAt, valueAt + size);
    }
    tiff.fill(0, gpsOffset + 2, gpsOffset + 2 + n * 12);
    r.setU16(0, gpsOffset);
  }
  // Remove the pointer from IFD0: later entries and the next-IFD offset move up one slot.
  const count = r.u16(ifd0);
  const entry = ifd0 + 2 + index * 12;
  const end = ifd0 + 2 + count * 12 + 4;
  tiff.copy(tiff, entry, entry + 12, end);
  tiff.fill(0, end - 12, end);
  r.setU16(count - 1, ifd0);
}

const XMP_JPEG = ['http://ns.adobe.com/xap/1.0/\0', 'http://ns.adobe.com/xmp/extension/\0'];

function stripJpeg(file: Buffer): Buffer {
  if (file[0] !== 0xff || file[1] !== 0xd8) throw new Error('not JPEG');
  const out = Buffer.from(file);
  const keep: [number, number][] = [];
  let pos = 2;
  let from = 0;
  while (pos + 4 <= out.length) {
    if (out[pos] !== 0xff) throw new Error('lost marker sync');
    const marker = out[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // start of scan: the rest is image data
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos += 2;
      continue;
    }
    const length = out.readUInt16BE(pos + 2);
    const body = out.subarray(pos + 4, pos + 2 + length);
    if (pos + 2 + length > out.length) throw new Error('segment past the end');
    if (marker === 0xe1) {
      if (body.subarray(0, 6).equals(EXIF_HEADER)) stripTiffGps(body.subarray(6));
      else if (XMP_JPEG.some((ns) => body.toString('latin1', 0, ns.length) === ns) && XMP_GPS.test(body.toString('latin1'))) {
        keep.push([from, pos]);
        from = pos + 2 + length;
      }
    }
    pos += 2 + length;
  }
  // Images embedded after the main one (MPF previews, depth maps) carry their own EXIF: FF E1 never
  // occurs inside entropy-coded data (an FF there is stuffed as FF 00), so every match is a segment.
  for (let at = out.indexOf('\xff\xe1', pos, 'latin1'); at !== -1; at = out.indexOf('\xff\xe1', at + 2, 'latin1')) {
    const length = at + 4 <= out.length ? out.readUInt16BE(at + 2) : 0;
    const body = out.subarray(at + 4, Math.min(out.length, at + 2 + length));
    if (body.subarray(0, 6).equals(EXIF_HEADER)) stripTiffGps(body.subarray(6));
  }
  keep.push([from, out.length]);
  return Buffer.concat(keep.map(([a, b]) => out.subarray(a, b)));
}

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');

function stripPng(file: Buffer): Buffer {
  if (!file.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not PNG');
  const parts: Buffer[] = [PNG_SIGNATURE];
  for (let pos = 8; pos < file.length;) {
    if (pos + 12 > file.length) throw new Error('chunk past the end');
    const length = file.readUInt32BE(pos);
    const end = pos + 12 + length;
    if (end > file.length) throw new Error('chunk past the end');
    const type = file.toString('latin1', pos + 4, pos + 8);
    const data = file.subarray(pos + 8, pos + 8 + length);
    const keyword = ['tEXt', 'zTXt', 'iTXt'].includes(type) ? data.toString('latin1', 0, Math.max(0, data.indexOf(0))) : '';
    if (type === 'eXIf') {
      const chunk = Buffer.from(file.subarray(pos, end));
      stripTiffGps(withoutExifHeader(chunk.subarray(8, 8 + length)));
      chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + length)), 8 + length);
      parts.push(chunk);
    } else if (PNG_EXIF_TEXT.test(keyword) || (keyword === 'XML:com.adobe.xmp' && XMP_GPS.test(data.toString('latin1')))) {
      // A hex or compressed copy of EXIF, or XMP with a location: dropped whole.
    } else parts.push(file.subarray(pos, end));
    pos = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(parts);
}

function stripWebp(file: Buffer): Buffer {
  if (file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WEBP') throw new Error('not WebP');
  const parts: Buffer[] = [];
  let droppedXmp = false;
  for (let pos = 12; pos + 8 <= file.length;) {
    const type = file.toString('latin1', pos, pos + 4);
    const size = file.readUInt32LE(pos + 4);
    const end = pos + 8 + size + (size % 2);
    if (pos + 8 + size > file.length) throw new Error('chunk past the end');
    const chunk = Buffer.from(file.subarray(pos, Math.min(end, file.length)));
    if (type === 'EXIF') stripTiffGps(withoutExifHeader(chunk.subarray(8, 8 + size)));
    if (type === 'XMP ' && XMP_GPS.test(chunk.toString('latin1', 8, 8 + size))) droppedXmp = true;
    else parts.push(chunk);
    pos = end;
  }
  const vp8x = parts.find((c) => c.toString('latin1', 0, 4) === 'VP8X');
  if (droppedXmp && vp8x) vp8x[8] = vp8x[8]! & ~0x04; // the XMP flag
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
