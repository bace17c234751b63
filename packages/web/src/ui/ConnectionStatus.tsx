import { useEffect, useState } from 'react';
import { useStore } from '../state/store.ts';

/** Connected / connecting / disconnected with the seconds to the next try, above the composer, never over the timeline. */
export function ConnectionStatus() {
  const { status, nextRetryAt } = useStore((s) => s.connection);
  const [, tick] = useState(0);
  useEffect(() => {
    if (status !== 'disconnected' || !nextRetryAt) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [status, nextRetryAt]);
  const secs = nextRetryAt ? Math.max(0, Math.ceil((nextRetryAt - Date.now()) / 1000)) : null;
  const text =
    status === 'connected'
      ? 'Connected'
      : status === 'connecting'
        ? 'Connecting…'
        : secs
          ? `Disconnected. Trying again in ${secs} s…`
          : 'Disconnected.';
  return (
    <div className={`connection connection-${status}`} role="status" aria-live="polite">
      <span className="connection-dot" aria-hidden="true" />
      <span className={status === 'connected' ? 'sr-only' : ''}>{text}</span>
    </div>
  );
}
