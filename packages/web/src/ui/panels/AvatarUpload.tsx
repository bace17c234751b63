import { useRef, useState } from 'react';
import { client } from '../../lib/sdk.ts';
import { updateProfile } from '../../state/people-actions.ts';
import { uploadErrorText } from '../../state/uploads.ts';

/** Choose a picture from this device: it is uploaded (with progress) and becomes my avatar at once. */
export function AvatarUpload({ onDone }: { onDone: (avatarUrl: string | null) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<{ name: string; pct: number; abort: () => void } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function upload(file: File) {
    const ctl = new AbortController();
    setError(null);
    setDone(false);
    setState({ name: file.name, pct: 0, abort: () => ctl.abort() });
    try {
      const att = await client.attachments.upload(file, {
        signal: ctl.signal,
        onProgress: (p) => setState((s) => s && { ...s, pct: Math.round((100 * p.loaded) / (p.total || file.size || 1)) }),
      });
      if (att.kind !== 'image') throw new Error('Choose an image (JPEG, PNG, GIF or WebP).');
      await updateProfile({ avatar_url: att.id });
      setDone(true);
      onDone(att.id);
    } catch (err) {
      if (!ctl.signal.aborted) setError(err instanceof Error && !('code' in err) ? err.message : uploadErrorText(err));
    } finally {
      setState(null);
    }
  }

  return (
    <div className="avatar-upload">
      <button type="button" onClick={() => input.current?.click()} disabled={!!state}>
        Upload a picture…
      </button>
      <input
        ref={input}
        type="file"
        accept="image/jpeg,image/png,image/gif,image/webp"
        hidden
        aria-label="Picture file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void upload(file);
        }}
      />
      {state && (
        <>
          <progress max={100} value={state.pct} aria-label={state.name} />
          <button type="button" className="small" onClick={state.abort}>
            Cancel
          </button>
        </>
      )}
      {done && (
        <span className="muted" role="status">
          Picture updated.
        </span>
      )}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
