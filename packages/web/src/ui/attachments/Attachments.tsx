import { type Attachment, formatBytes } from '@rooms/client';
import { lazy, Suspense, useRef, useState } from 'react';
import { refreshMessage } from '../../state/actions.ts';

const Lightbox = lazy(() => import('./Lightbox.tsx'));

/** The largest box a thumbnail takes in the timeline (CSS may shrink it further on narrow screens). */
const BOX = { width: 320, height: 240 };

/** Width and height that fit the box with the image's own proportions, known before it loads. */
export function fitBox(w: number | null | undefined, h: number | null | undefined, box = BOX): { width: number; height: number } {
  if (!w || !h) return box;
  const scale = Math.min(1, box.width / w, box.height / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

const ICONS: Record<Attachment['kind'], string> = { image: '🖼️', audio: '🎵', video: '🎞️', document: '📄', archive: '🗜️' };

/** A signed URL that stopped working once it expired: the message is read again for fresh ones. */
function onExpired(att: Attachment, messageId: string) {
  if (Date.parse(att.urls_expire_at) <= Date.now() + 5000) void refreshMessage(messageId).catch(() => {});
}

/** A message's files: image thumbnails (a lightbox on click), audio and video players, and cards for the rest. */
export function Attachments({ items, messageId }: { items: Attachment[]; messageId: string }) {
  const [open, setOpen] = useState<Attachment | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const images = items.filter((a) => a.kind === 'image');
  const others = items.filter((a) => a.kind !== 'image');
  return (
    <div className="attachments">
      {images.length > 0 && (
        <div className="attachment-images">
          {images.map((a) => {
            const size = fitBox(a.width ?? a.thumbnail?.width, a.height ?? a.thumbnail?.height);
            return (
              <button
                key={a.id}
                type="button"
                className="attachment-thumb"
                aria-label={`Open image ${a.filename}`}
                style={{ aspectRatio: `${size.width} / ${size.height}`, width: size.width }}
                onClick={(e) => {
                  opener.current = e.currentTarget;
                  setOpen(a);
                }}
              >
                <img
                  src={a.thumbnail?.url ?? a.url}
                  alt={a.filename}
                  width={size.width}
                  height={size.height}
                  loading="lazy"
                  decoding="async"
                  onError={() => onExpired(a, messageId)}
                />
              </button>
            );
          })}
        </div>
      )}
      {others.map((a) =>
        a.kind === 'audio' ? (
          <figure key={a.id} className="attachment-media">
            <audio controls preload="metadata" src={a.url} aria-label={a.filename} onError={() => onExpired(a, messageId)} />
            <figcaption className="muted ellipsis">
              {a.filename} · {formatBytes(a.size)}
            </figcaption>
          </figure>
        ) : a.kind === 'video' ? (
          <figure key={a.id} className="attachment-media">
            <video
              controls
              preload="metadata"
              src={a.url}
              aria-label={a.filename}
              {...fitBox(a.width, a.height)}
              style={a.width && a.height ? { aspectRatio: `${a.width} / ${a.height}` } : undefined}
              onError={() => onExpired(a, messageId)}
            />
            <figcaption className="muted ellipsis">
              {a.filename} · {formatBytes(a.size)}
            </figcaption>
          </figure>
        ) : (
          <div key={a.id} className="file-card" role="group" aria-label={`File ${a.filename}`}>
            <span className="file-icon" aria-hidden="true">
              {ICONS[a.kind]}
            </span>
            <span className="file-meta">
              <span className="file-name ellipsis" title={a.filename}>
                {a.filename}
              </span>
              <span className="muted">
                {formatBytes(a.size)} · {a.kind}
              </span>
            </span>
            <a className="file-download" href={a.url} download={a.filename} aria-label={`Download ${a.filename}`}>
              Download
            </a>
          </div>
        ),
      )}
      {open && (
        <Suspense fallback={null}>
          <Lightbox
            attachment={open}
            onClose={() => {
              setOpen(null);
              opener.current?.focus();
            }}
          />
        </Suspense>
      )}
    </div>
  );
}

/** The files of a message still being sent: names and sizes only. */
export function PendingFiles({ files }: { files: { name: string; size: number }[] }) {
  return (
    <ul className="pending-files muted">
      {files.map((f, i) => (
        <li key={i}>
          📎 {f.name}
          {f.size ? ` · ${formatBytes(f.size)}` : ''}
        </li>
      ))}
    </ul>
  );
}
