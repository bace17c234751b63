import { useId, useRef, useState } from 'react';
import { client } from '../../lib/sdk.ts';
import { updateRoom } from '../../state/admin-actions.ts';
import type { Room } from '../../state/types.ts';
import { uploadErrorText } from '../../state/uploads.ts';
import { coverOf } from './RoomCover.tsx';

/** Room admins of an image or video room: upload its cover (an image, or a video for video rooms), or take it away. */
export function CoverSection({ room }: { room: Room }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [pct, setPct] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cover = coverOf(room);

  async function setCover(attachmentId: string | null) {
    await updateRoom(room.id, { cover_attachment_id: attachmentId });
  }

  async function upload(file: File) {
    setError(null);
    setPct(0);
    try {
      const att = await client.attachments.upload(file, {
        onProgress: (p) => setPct(Math.round((100 * p.loaded) / (p.total || file.size || 1))),
      });
      await setCover(att.id);
    } catch (err) {
      setError(uploadErrorText(err));
    } finally {
      setPct(null);
    }
  }

  return (
    <section className="admin-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Cover</h3>
      {cover ? (
        cover.kind === 'video' ? (
          <video className="cover-preview" src={cover.url} controls preload="metadata" aria-label="The room's cover" />
        ) : (
          <img
            className="cover-preview"
            src={cover.thumbnail?.url ?? cover.url}
            alt="The room's cover"
            {...(cover.thumbnail ? { width: cover.thumbnail.width, height: cover.thumbnail.height } : {})}
          />
        )
      ) : (
        <p className="muted">No cover: the room shows its name only.</p>
      )}
      <div className="avatar-upload">
        <button type="button" className="secondary small" disabled={pct !== null} onClick={() => input.current?.click()}>
          {cover ? 'Change the cover…' : 'Upload a cover…'}
        </button>
        {cover && (
          <button type="button" className="small" onClick={() => void setCover(null).catch((e: unknown) => setError(uploadErrorText(e)))}>
            Remove the cover
          </button>
        )}
        <input
          ref={input}
          type="file"
          hidden
          aria-label="Cover file"
          accept={room.topic_kind === 'video' ? 'image/*,video/mp4,video/webm' : 'image/*'}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void upload(file);
          }}
        />
        {pct !== null && <progress max={100} value={pct} aria-label="Cover upload" />}
        {error && (
          <span className="error" role="alert">
            {error}
          </span>
        )}
      </div>
    </section>
  );
}
