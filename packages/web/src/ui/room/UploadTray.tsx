import { formatBytes } from '@rooms/client';
import { type PendingUpload, removeUpload } from '../../state/uploads.ts';

/** The files waiting to go with the next message: each with its progress, or the reason it was refused, and a way to take it out. */
export function UploadTray({ trayKey, uploads }: { trayKey: string; uploads: PendingUpload[] }) {
  return (
    <ul className="upload-tray" aria-label="Files to send">
      {uploads.map((u) => {
        const pct = u.size > 0 ? Math.round((100 * u.loaded) / u.size) : u.status === 'done' ? 100 : 0;
        return (
          <li key={u.key} className={`upload ${u.status}`}>
            <span className="upload-name">
              {u.preview ? (
                <img className="upload-preview" src={u.preview} alt="" width={28} height={28} />
              ) : (
                <span className="upload-icon" aria-hidden="true">
                  📄
                </span>
              )}
              <span className="ellipsis" title={u.name}>
                {u.name}
              </span>
            </span>
            <span className="upload-size muted">
              {u.status === 'uploading' ? `${pct}% of ${formatBytes(u.size)}` : formatBytes(u.size)}
            </span>
            {u.status === 'failed' ? (
              <span className="upload-error" role="alert">
                {u.name}: {u.error}
              </span>
            ) : (
              <progress
                className="upload-progress"
                max={100}
                value={pct}
                aria-label={u.name}
                aria-valuetext={u.status === 'done' ? 'uploaded' : `${pct}%`}
              />
            )}
            <button
              type="button"
              className="icon-button small"
              aria-label={`${u.status === 'uploading' ? 'Cancel' : 'Remove'} ${u.name}`}
              title={u.status === 'uploading' ? 'Cancel' : 'Remove'}
              onClick={() => removeUpload(trayKey, u.key)}
            >
              <span aria-hidden="true">✕</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
