import { type Attachment, formatBytes } from '@rooms/client';
import { useEffect, useRef } from 'react';

/** An image at full size in a modal dialog: Escape, the close button or a click outside closes it (focus goes back to the thumbnail). */
export default function Lightbox({ attachment: a, onClose }: { attachment: Attachment; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  // Closed before it leaves the page, so the page is no longer inert when the focus goes back.
  const close = () => {
    dialog.current?.close();
    onClose();
  };
  useEffect(() => {
    const d = dialog.current!;
    d.showModal();
    return () => d.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label={a.filename}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <figure>
        <img src={a.url} alt={a.filename} width={a.width ?? undefined} height={a.height ?? undefined} />
        <figcaption>
          <span className="ellipsis">{a.filename}</span>
          <span className="muted">
            {a.width && a.height ? `${a.width} × ${a.height} · ` : ''}
            {formatBytes(a.size)}
          </span>
          <a href={a.url} download={a.filename}>
            Download
          </a>
          <button type="button" className="small" onClick={close} autoFocus>
            Close
          </button>
        </figcaption>
      </figure>
    </dialog>
  );
}
