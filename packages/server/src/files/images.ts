import { readFile, rm, writeFile } from 'node:fs/promises';
import { ATTACHMENT_LIMITS, type AttachmentMime } from '@rooms/protocol';
import sharp from 'sharp';
import { type Config } from '../config/config.ts';
import { DomainError } from '../domain/errors.ts';
import { hasGps, stripGps } from './exif-gps.ts';

/** Bytes of decoded memory per pixel assumed by the budget (RGBA, 8 bits a channel). */
const BYTES_PER_PIXEL = 4;
/** A decode taking longer gives up (no thumbnail), so one pathological file cannot hold a decode turn for ever. */
const DECODE_TIMEOUT_SECONDS = 30;

export interface ImageOptions {
  /** Pixels (width × height of one frame) an image may have; more is refused before decoding. */
  maxPixels: number;
  /** Images decoded at once; others wait their turn. */
  concurrency: number;
  /** Keep EXIF/XMP location in stored originals. */
  keepGps: boolean;
}

/** The pixel limit is the decode memory budget shared by the concurrent decodes, at 4 bytes a pixel (400 MiB / 2 / 4 ≈ 52 MP by default). */
export function imageOptions(config: Pick<Config, 'IMAGE_DECODE_MEMORY_MB' | 'IMAGE_DECODE_CONCURRENCY' | 'IMAGE_KEEP_GPS'>): ImageOptions {
  return {
    maxPixels: Math.floor((config.IMAGE_DECODE_MEMORY_MB * 1024 * 1024) / config.IMAGE_DECODE_CONCURRENCY / BYTES_PER_PIXEL),
    concurrency: config.IMAGE_DECODE_CONCURRENCY,
    keepGps: config.IMAGE_KEEP_GPS,
  };
}

export interface PreparedImage {
  /** Dimensions as displayed (EXIF orientation applied; one frame of an animation). */
  width: number;
  height: number;
  /** WebP fitting ATTACHMENT_LIMITS.thumbnailBox, never enlarged; null when the image could not be decoded (it is still accepted). */
  thumbnail: { data: Buffer; width: number; height: number } | null;
  /** A copy of the original without its location, to store instead of it; the caller removes it. Absent when the original has none (or IMAGE_KEEP_GPS). */
  cleanedPath?: string;
}

/**
 * Dimensions, thumbnail and a location-free original for an uploaded image (a temp file typed by
 * detectType). Decisions:
 * - decompression bombs: the header is read first (sharp metadata, no decoding) and an image with
 *   more than maxPixels pixels in a frame is refused with 415 `unsupported_type` ("image too large:
 *   W×H pixels"): the file is not a kind of image this server can handle, which is what the code
 *   says; `payload_too_large` (413) is about bytes. sharp's limitInputPixels guards the decode too;
 * - at most `concurrency` decodes run at once (the header check does not wait for a turn);
 * - a file whose header sharp cannot read is refused (415): it is not the image its bytes began as;
 * - a damaged image (a truncated JPEG) is accepted: dimensions from its header, and a best-effort
 *   thumbnail (libvips fills what is missing, failOn: 'none'), as browsers show the part they have;
 *   when even that fails the thumbnail is null;
 * - animations (GIF, WebP, APNG): dimensions and thumbnail of the first frame;
 * - GPS: when the original carries a location (EXIF GPS IFD, or XMP GPS properties) and keepGps is
 *   off, a cleaned copy is written beside it (`<path>.clean`): losslessly for JPEG, PNG and WebP
 *   (the GPS IFD is emptied and unlinked inside the EXIF block, orientation and the rest kept; XMP
 *   packets naming GPS are dropped); re-encoded by sharp (quality 95, orientation applied) only if
 *   that fails or for other formats.
 */
export class ImagePreparer {
  private readonly opts: ImageOptions;
  private readonly slots: Semaphore;

  constructor(opts: ImageOptions) {
    this.opts = opts;
    this.slots = new Semaphore(opts.concurrency);
  }

  /** Decodes running and waiting now, and the most that ever ran at once. */
  get decoding(): { running: number; waiting: number; peak: number } {
    return { running: this.slots.running, waiting: this.slots.waiting, peak: this.slots.peak };
  }

  readonly prepareImage = async (path: string, mime: AttachmentMime): Promise<PreparedImage> => {
    const meta = await sharp(path, { failOn: 'none', limitInputPixels: false })
      .metadata()
      .catch(() => {
        throw new DomainError('unsupported_type', `the ${mime} image could not be read`);
      });
    const frameWidth = meta.width;
    const frameHeight = meta.pageHeight ?? meta.height;
    if (!frameWidth || !frameHeight) throw new DomainError('unsupported_type', `the ${mime} image has no dimensions`);
    if (frameWidth * frameHeight > this.opts.maxPixels) {
      throw new DomainError(
        'unsupported_type',
        `image too large: ${frameWidth}×${frameHeight} pixels (at most ${this.opts.maxPixels.toLocaleString('en')} pixels)`,
        {
          details: { width: frameWidth, height: frameHeight, max_pixels: this.opts.maxPixels },
        },
      );
    }
    const rotated = (meta.orientation ?? 1) >= 5;
    const width = rotated ? frameHeight : frameWidth;
    const height = rotated ? frameWidth : frameHeight;
    const located = !this.opts.keepGps && hasGps(meta);
    return this.slots.run(async () => {
      const thumbnail = await this.thumbnail(path);
      const cleanedPath = located ? await this.clean(path, mime, frameWidth) : undefined;
      return { width, height, thumbnail, ...(cleanedPath ? { cleanedPath } : {}) };
    });
  };

  private async thumbnail(path: string): Promise<PreparedImage['thumbnail']> {
    const box = ATTACHMENT_LIMITS.thumbnailBox;
    try {
      const { data, info } = await sharp(path, { failOn: 'none', limitInputPixels: this.opts.maxPixels })
        .autoOrient()
        .resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .timeout({ seconds: DECODE_TIMEOUT_SECONDS })
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    } catch {
      return null;
    }
  }

  private async clean(path: string, mime: AttachmentMime, width: number): Promise<string> {
    const cleanedPath = `${path}.clean`;
    const original = await readFile(path);
    const lossless = stripGps(original, mime);
    if (lossless) {
      const check = await sharp(lossless, { failOn: 'none', limitInputPixels: false })
        .metadata()
        .catch(() => null);
      if (check && !hasGps(check) && check.width === width) return writeOrRemove(cleanedPath, lossless);
    }
    // Fail closed: an original whose location cannot be removed is not stored.
    const reencoded = await reencode(path, mime, this.opts.maxPixels).catch(() => {
      throw new DomainError('unsupported_type', `the location (GPS) could not be removed from this ${mime} image`);
    });
    return writeOrRemove(cleanedPath, reencoded);
  }
}

/** Writes the file, or leaves nothing behind when writing fails (the caller only removes paths it was given). */
async function writeOrRemove(path: string, data: Buffer): Promise<string> {
  try {
    await writeFile(path, data);
    return path;
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

/** Re-encodes without any metadata (orientation applied to the pixels), every frame kept. */
async function reencode(path: string, mime: AttachmentMime, maxPixels: number): Promise<Buffer> {
  const img = sharp(path, { failOn: 'none', animated: true, limitInputPixels: maxPixels })
    .autoOrient()
    .keepIccProfile()
    .timeout({ seconds: DECODE_TIMEOUT_SECONDS });
  switch (mime) {
    case 'image/png':
      return img.png().toBuffer();
    case 'image/webp':
      return img.webp({ quality: 95 }).toBuffer();
    case 'image/gif':
      return img.gif().toBuffer();
    default:
      return img.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
  }
}

/** A counting semaphore: at most `limit` holders, the others wait in arrival order. */
class Semaphore {
  private readonly limit: number;
  private readonly queue: (() => void)[] = [];
  running = 0;
  peak = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    this.peak = Math.max(this.peak, this.running);
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** The image preparer the composition root builds from config. */
export function createImagePreparer(
  config: Pick<Config, 'IMAGE_DECODE_MEMORY_MB' | 'IMAGE_DECODE_CONCURRENCY' | 'IMAGE_KEEP_GPS'>,
): ImagePreparer {
  return new ImagePreparer(imageOptions(config));
}
