import type { IsoTime } from './types.ts';

export type AttachmentKind = 'image' | 'audio' | 'video' | 'document' | 'archive';

/** An uploaded file: unposted (room_id, message_id, posted_at null) until a message carries it. */
export interface AttachmentRow {
  id: string;
  uploader_id: string;
  room_id: string | null;
  message_id: string | null;
  /** Its place among its message's attachments (0-based); null while unposted. */
  position: number | null;
  posted_at: IsoTime | null;
  /** For display only (sanitised); the type is mime_type, detected from the bytes. */
  filename: string;
  size: number;
  mime_type: string;
  kind: AttachmentKind;
  width: number | null;
  height: number | null;
  thumb_width: number | null;
  thumb_height: number | null;
  /** Where the bytes are in the blob store (and the thumbnail's, for images). */
  blob_key: string;
  thumb_key: string | null;
  created_at: IsoTime;
}

export type NewAttachment = Omit<AttachmentRow, 'room_id' | 'message_id' | 'position' | 'posted_at'>;

/** Where an upload used as an avatar is served: what users.avatar_url holds for it. */
export const avatarPath = (id: string): string => `/attachments/${id}/avatar`;
