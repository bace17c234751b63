import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

/** What a file is, by its bytes (never its name or declared type). */
export const AttachmentKind = z.enum(['image', 'audio', 'video', 'document', 'archive']);
export type AttachmentKind = z.infer<typeof AttachmentKind>;

/** The MIME types an upload may have, as detected from its bytes, and the kind each one is. */
export const ATTACHMENT_TYPES = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'application/pdf': 'document',
  'application/msword': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/zip': 'archive',
  'audio/mpeg': 'audio',
  'audio/ogg': 'audio',
  'audio/mp4': 'audio',
  'audio/webm': 'audio',
  'video/mp4': 'video',
  'video/webm': 'video',
} as const satisfies Record<string, AttachmentKind>;
export type AttachmentMime = keyof typeof ATTACHMENT_TYPES;

/**
 * An uploaded file as every client sees it. `url` and `thumbnail_url` are signed, short-lived and
 * usable as they are by a browser (`<img src>` cannot send a bearer header); they never grant more
 * than the reader's own access and expire at `urls_expire_at`.
 */
export const AttachmentView = z.object({
  id: Id,
  filename: z.string(),
  size: z.number().int(),
  mime_type: z.string(),
  kind: AttachmentKind,
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  thumbnail: z.object({ width: z.number().int(), height: z.number().int(), url: z.string() }).nullable(),
  url: z.string(),
  urls_expire_at: Timestamp,
  created_at: Timestamp,
});
export type AttachmentView = z.infer<typeof AttachmentView>;

export const UploadResponse = z.object({ attachment: AttachmentView });
