import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttachmentKind, AttachmentMime, AttachmentView } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { BlobStore, ByteRange } from '../../ports/blob-store.ts';
import type { Clock } from '../../ports/clock.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import { ScannerUnavailableError, type Scanner } from '../../ports/scanner.ts';
import { decide } from '../../policies/room.policy.ts';
import type { AttachmentRow } from '../../store/attachment-types.ts';
import type { Store } from '../../store/store.ts';
import { isActive } from '../users/active-user.ts';
import { toAttachmentView } from './attachment-presenter.ts';
import type { UrlSigner, UrlSubject, Variant } from './signed-urls.ts';

/** The file tools of the upload pipeline (files/typing.ts, files/images.ts, files/filename.ts). */
export interface MediaTools {
  /** The allowed type of the bytes at path (null when not allowed), and what was recognised. */
  inspectType(
    path: string,
  ): Promise<{ type: { mime: AttachmentMime; kind: AttachmentKind; width?: number; height?: number } | null; detected: string | null }>;
  /** Why a file of the recognised type (or of none) is refused. */
  unsupportedTypeMessage(detected: string | null): string;
  /** Dimensions and a WebP thumbnail; cleanedPath: a copy without location metadata to store instead. Throws a DomainError to refuse. */
  prepareImage(
    path: string,
    mime: AttachmentMime,
  ): Promise<{ width: number; height: number; thumbnail: { data: Buffer; width: number; height: number } | null; cleanedPath?: string }>;
  sanitizeFilename(name: string): string;
}

export interface AttachmentsDeps {
  store: Store;
  clock: Clock;
  blobs: BlobStore;
  scanner: Scanner;
  media: MediaTools;
  signer: UrlSigner;
  uploadRate: RateLimiter;
  /** Where uploads are written while they are checked (DATA_DIR/tmp/uploads). */
  tmpDir: string;
  maxBytes: number;
  /** Bytes one user's uploads may take in all. */
  quotaBytes: number;
  /** Unposted uploads older than this are deleted by the cleanup job. */
  unpostedTtlSeconds: number;
  onBackgroundError?: (err: unknown, what: string) => void;
}

/** An upload as the transport hands it over: a stream of the file's bytes and the name the client gave. */
export interface UploadInput {
  stream: Readable;
  filename: string;
}

/** Bytes to send for a download. */
export interface Download {
  attachment: AttachmentRow;
  variant: Variant;
  mimeType: string;
  /** The whole file's size; the body holds range's bytes when one was asked. */
  size: number;
  etag: string;
  range: ByteRange | null;
  body: Readable;
}

/**
 * Temp files of uploads that a crash or a kill interrupted are removed once nobody has written them
 * for this long (file times are real time, not the injected clock): an upload under way writes its
 * file as its bytes arrive, and what follows (scan, a decode turn, the store) takes seconds to minutes.
 */
export const STALE_UPLOAD_TEMP_MS = 60 * 60 * 1000;

export const attachmentNotFound = () => new DomainError('attachment_not_found', 'No such attachment.');

/** Uploads (streamed, scanned, typed by their bytes), downloads for those who may read them, and cleanup. */
export class AttachmentsService {
  private readonly d: AttachmentsDeps;
  /** When this process last swept stale upload temp files (0: not yet). */
  private lastSweep = 0;

  constructor(deps: AttachmentsDeps) {
    this.d = deps;
  }

  get maxBytes(): number {
    return this.d.maxBytes;
  }

  /**
   * The upload pipeline: the bytes go to a temporary file under the size limit (counted while they
   * stream), then type detection, the scan (always, whatever the type), the type check, images
   * prepared, the bytes stored, the row written. Any refusal or failure keeps nothing.
   */
  async upload(actor: Actor, input: UploadInput): Promise<AttachmentView> {
    const limit = await this.d.uploadRate.hit(actor.id);
    if (!limit.allowed) {
      input.stream.resume();
      throw new DomainError('rate_limited', 'You are uploading too fast. Slow down.', { retryAfterSeconds: limit.retryAfterSeconds });
    }
    const id = newId();
    // Private like the rest of DATA_DIR.
    await mkdir(this.d.tmpDir, { recursive: true, mode: 0o700 });
    await this.sweepStaleTemps();
    const tmp = join(this.d.tmpDir, id);
    const temps = [tmp];
    const stored: string[] = [];
    try {
      const size = await this.receive(input.stream, tmp);
      if ((await this.d.store.attachments.bytesOf(actor.id)) + size > this.d.quotaBytes) throw quotaReached();
      const { type, detected } = await this.d.media.inspectType(tmp);
      // The scan comes first, whatever the type: the EICAR test file is text, and is malware (422), not an unsupported type (415).
      await this.scan(tmp, type?.mime ?? detected, size);
      if (!type) throw new DomainError('unsupported_type', this.d.media.unsupportedTypeMessage(detected));
      let original = { path: tmp, size };
      let dims = { width: type.width ?? null, height: type.height ?? null };
      let thumbnail: { data: Buffer; width: number; height: number } | null = null;
      if (type.kind === 'image') {
        const prepared = await this.d.media.prepareImage(tmp, type.mime);
        dims = { width: prepared.width, height: prepared.height };
        thumbnail = prepared.thumbnail;
        if (prepared.cleanedPath) {
          temps.push(prepared.cleanedPath);
          original = { path: prepared.cleanedPath, size: (await stat(prepared.cleanedPath)).size };
        }
      }
      const blobKey = `attachments/${id}`;
      const thumbKey = thumbnail ? `attachments/${id}.thumbnail` : null;
      stored.push(blobKey);
      await this.d.blobs.put(blobKey, createReadStream(original.path), { size: original.size, contentType: type.mime });
      if (thumbnail && thumbKey) {
        stored.push(thumbKey);
        await this.d.blobs.put(thumbKey, Readable.from([thumbnail.data]), { size: thumbnail.data.length, contentType: 'image/webp' });
      }
      const row = await this.d.store.transaction(async (tx) => {
        // Under the uploader's row lock, so concurrent uploads cannot together pass the quota.
        await tx.users.lock(actor.id);
        if ((await tx.attachments.bytesOf(actor.id)) + original.size > this.d.quotaBytes) throw quotaReached();
        return tx.attachments.insert({
          id,
          uploader_id: actor.id,
          filename: this.d.media.sanitizeFilename(input.filename),
          size: original.size,
          mime_type: type.mime,
          kind: type.kind,
          width: dims.width,
          height: dims.height,
          thumb_width: thumbnail?.width ?? null,
          thumb_height: thumbnail?.height ?? null,
          blob_key: blobKey,
          thumb_key: thumbKey,
          created_at: this.d.clock.now().toISOString(),
        });
      });
      stored.length = 0;
      return this.view(row, { user: actor.id });
    } catch (err) {
      input.stream.resume();
      await Promise.all(
        stored.map((k) => this.d.blobs.delete(k).catch((e: unknown) => this.d.onBackgroundError?.(e, 'removing a refused upload'))),
      );
      throw err;
    } finally {
      await Promise.all(temps.map((p) => rm(p, { force: true })));
    }
  }

  /** The view of an upload for a reader who may see it (a signed URL for them). */
  async get(actor: Actor, id: string): Promise<AttachmentView> {
    const row = await this.readable(actor.id, id);
    return this.view(row, { user: actor.id });
  }

  /** Bytes for a bearer-authenticated reader: 404 unless they may read it. */
  async download(actor: Actor, id: string, variant: Variant, range?: ByteRange): Promise<Download> {
    return this.open(await this.readable(actor.id, id), variant, range);
  }

  /** Bytes for a signed URL: the grant is checked again against what the database says now. */
  async downloadSigned(
    id: string,
    variant: Variant,
    query: { sub?: string; exp?: string; sig?: string },
    range?: ByteRange,
  ): Promise<Download> {
    const grant = this.d.signer.verify(id, variant, query);
    if (!grant) throw attachmentNotFound();
    let row: AttachmentRow;
    if ('user' in grant.subject) {
      const user = await this.d.store.users.findById(grant.subject.user);
      if (!user || !isActive(user)) throw attachmentNotFound();
      row = await this.readable(user.id, id);
    } else {
      const roomId = grant.subject.room;
      const found = await this.d.store.attachments.findById(id);
      if (!found) throw attachmentNotFound();
      // Posted in that room (a message's), or the room's cover.
      const posted = found.room_id === roomId && found.message_id !== null;
      if (!posted && (await this.d.store.rooms.findById(roomId))?.cover_attachment_id !== id) throw attachmentNotFound();
      row = found;
    }
    return this.open(row, variant, range);
  }

  /**
   * An avatar's image (its thumbnail when it has one), to anyone: it is served while an active
   * account has it as its avatar, which every signed-in user may see, and an <img> sends no token.
   */
  async avatar(id: string): Promise<Download> {
    if (!(await this.d.store.attachments.isAvatar(id))) throw attachmentNotFound();
    const row = await this.d.store.attachments.findById(id);
    if (!row) throw attachmentNotFound();
    return this.open(row, row.thumb_key ? 'thumbnail' : 'original');
  }

  /** Views of stored rows with URLs signed for the subject. */
  view(row: AttachmentRow, subject: UrlSubject): AttachmentView {
    return toAttachmentView(row, this.d.signer, subject);
  }

  /** Removes the bytes of attachments whose rows are gone (after the commit that deleted them). */
  async removeBytes(rows: AttachmentRow[]): Promise<void> {
    const keys = rows.flatMap((r) => (r.thumb_key ? [r.blob_key, r.thumb_key] : [r.blob_key]));
    await Promise.all(
      keys.map((k) => this.d.blobs.delete(k).catch((e: unknown) => this.d.onBackgroundError?.(e, `removing attachment bytes ${k}`))),
    );
  }

  /** The cleanup job: unposted uploads past their day, and attachments whose room was deleted; returns how many went. */
  async deleteExpired(): Promise<number> {
    const before = new Date(this.d.clock.now().getTime() - this.d.unpostedTtlSeconds * 1000).toISOString();
    let total = 0;
    for (;;) {
      const rows = await this.d.store.attachments.listExpired(before, 500);
      if (rows.length === 0) return total;
      for (const row of rows) {
        await this.d.store.attachments.delete(row.id);
        await this.removeBytes([row]);
      }
      total += rows.length;
    }
  }

  /**
   * Removes upload temp files left by a crash (untouched for STALE_UPLOAD_TEMP_MS): at the first
   * upload a process takes, then at most hourly. Per process, not a job: the job runs on one node,
   * and each node that takes uploads has its own temp folder. Returns how many went.
   */
  async sweepStaleTemps(): Promise<number> {
    const now = Date.now();
    if (now - this.lastSweep < STALE_UPLOAD_TEMP_MS) return 0;
    this.lastSweep = now;
    let removed = 0;
    try {
      for (const name of await readdir(this.d.tmpDir)) {
        const path = join(this.d.tmpDir, name);
        const s = await stat(path).catch(() => null);
        if (s?.isFile() && s.mtimeMs < now - STALE_UPLOAD_TEMP_MS) {
          await rm(path, { force: true });
          removed++;
        }
      }
    } catch (err) {
      this.d.onBackgroundError?.(err, 'removing stale upload temp files');
    }
    return removed;
  }

  /**
   * The row when userId may read it: the readers of the room it was posted in, or its uploader while
   * it is unposted. Anyone else is told it does not exist, as for an unknown id.
   */
  async readable(userId: string, id: string): Promise<AttachmentRow> {
    const row = await this.d.store.attachments.findById(id);
    if (!row) throw attachmentNotFound();
    if (row.posted_at === null) {
      if (row.uploader_id !== userId) throw attachmentNotFound();
      return row;
    }
    if (row.room_id === null || row.message_id === null) throw attachmentNotFound();
    const [room, membership] = await Promise.all([this.d.store.rooms.findById(row.room_id), this.d.store.members.get(row.room_id, userId)]);
    if (!room || !decide('read', { room, membership, isServerAdmin: false, now: this.d.clock.now() }).ok) throw attachmentNotFound();
    return row;
  }

  private async open(row: AttachmentRow, variant: Variant, range?: ByteRange): Promise<Download> {
    const key = variant === 'thumbnail' ? row.thumb_key : row.blob_key;
    if (!key) throw attachmentNotFound();
    const size = variant === 'thumbnail' ? await this.sizeOf(key) : row.size;
    // A suffix range (start < 0) is the last -start bytes.
    const r =
      range &&
      (range.start < 0
        ? { start: Math.max(0, size + range.start), end: size - 1 }
        : { start: range.start, end: Math.min(range.end, size - 1) });
    if (r && (r.start >= size || r.end < r.start)) {
      throw new DomainError('range_not_satisfiable', 'The range is outside the file.', { details: { size } });
    }
    const blob = await this.d.blobs.get(key, r);
    if (!blob) throw attachmentNotFound();
    return {
      attachment: row,
      variant,
      mimeType: variant === 'thumbnail' ? 'image/webp' : row.mime_type,
      size,
      etag: `"${row.id}.${variant}"`,
      range: r ?? null,
      body: blob.body,
    };
  }

  private async sizeOf(key: string): Promise<number> {
    const s = await this.d.blobs.stat(key);
    if (!s) throw attachmentNotFound();
    return s.size;
  }

  /** Writes the stream to path, counting bytes: past the limit nothing more is written, the rest is drained, and the upload is refused. */
  private async receive(source: Readable, path: string): Promise<number> {
    let bytes = 0;
    const max = this.d.maxBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        // Over the limit: keep reading (so the client gets its answer) but write nothing more.
        done(null, bytes > max ? undefined : chunk);
      },
    });
    await pipeline(source, counter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    if (bytes > max) throw new DomainError('payload_too_large', `A file may be at most ${max} bytes.`, { details: { max_bytes: max } });
    return bytes;
  }

  private async scan(path: string, mimeType: string | null, size: number): Promise<void> {
    let verdict;
    try {
      verdict = await this.d.scanner.scan(path, { mimeType, size });
    } catch (err) {
      if (err instanceof ScannerUnavailableError)
        throw new DomainError('scanner_unavailable', 'Files cannot be checked for malware right now: try again later.', {
          retryAfterSeconds: 30,
        });
      throw err;
    }
    if (!verdict.ok)
      throw new DomainError(
        verdict.code,
        verdict.code === 'malware_detected'
          ? `This file was refused as malware (${verdict.reason}).`
          : `This archive was refused as unsafe (${verdict.reason}).`,
      );
  }
}

const quotaReached = () =>
  new DomainError('limit_reached', 'Your uploads have reached your storage quota: delete some messages with attachments first.');
