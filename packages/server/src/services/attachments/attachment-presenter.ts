import type { AttachmentView } from '@rooms/protocol';
import type { AttachmentRow } from '../../store/attachment-types.ts';
import type { UrlSigner, UrlSubject } from './signed-urls.ts';

/** An attachment as a client sees it, its URLs signed for the subject (one reader, or a room's members). */
export function toAttachmentView(a: AttachmentRow, signer: UrlSigner, subject: UrlSubject): AttachmentView {
  const expiresAt = signer.expiry();
  return {
    id: a.id,
    filename: a.filename,
    size: a.size,
    mime_type: a.mime_type,
    kind: a.kind,
    width: a.width,
    height: a.height,
    thumbnail:
      a.thumb_key && a.thumb_width !== null && a.thumb_height !== null
        ? { width: a.thumb_width, height: a.thumb_height, url: signer.url(a.id, 'thumbnail', subject, expiresAt) }
        : null,
    url: signer.url(a.id, 'original', subject, expiresAt),
    urls_expire_at: expiresAt.toISOString(),
    created_at: a.created_at,
  };
}
