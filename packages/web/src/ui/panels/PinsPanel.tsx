import { useCallback, useEffect, useState } from 'react';
import { formatFull } from '../../lib/format.ts';
import { navigate, roomPath } from '../../lib/router.ts';
import { getLive } from '../../lib/sdk.ts';
import { errorText, setPinned } from '../../state/actions.ts';
import { loadPins, type Pin } from '../../state/admin-actions.ts';
import { useStore } from '../../state/store.ts';
import { ui } from '../../state/ui.ts';
import { isAdminRole } from '../admin/roles.ts';
import { formatShort, fromNow } from '../admin/time.ts';
import { useAction } from '../admin/useAction.ts';
import { Avatar } from '../common.tsx';
import { MessageBody } from '../timeline/MessageItem.tsx';
import { Attachments } from '../attachments/Attachments.tsx';

/**
 * The room's pinned messages, newest pin first. The list is read again whenever a pin changes
 * (a live message_pinned / message_unpinned for this room, or after a reconnect, which may have
 * missed some); each message's body comes from the store, so edits and deletions show at once.
 */
export default function PinsPanel({ roomId }: { roomId: string }) {
  const [pins, setPins] = useState<Pin[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const role = useStore((s) => s.rooms[roomId]?.membership?.role);
  const archived = useStore((s) => s.rooms[roomId]?.archived ?? false);

  const load = useCallback(() => {
    loadPins(roomId).then(
      (items) => (setPins(items), setError(null)),
      (err) => setError(errorText(err)),
    );
  }, [roomId]);

  useEffect(() => {
    load();
    const live = getLive();
    if (!live) return;
    const offEvent = live.on('event', (ev) => {
      if ((ev.type === 'message_pinned' || ev.type === 'message_unpinned' || ev.type === 'message_deleted') && ev.room_id === roomId)
        load();
    });
    const offStatus = live.on('status', (status) => status === 'connected' && load());
    return () => {
      offEvent();
      offStatus();
    };
  }, [roomId, load]);

  return (
    <div className="admin-panel">
      {error && (
        <p className="error pad" role="alert">
          {error}
        </p>
      )}
      {!pins && !error && <p className="muted pad">Loading pinned messages…</p>}
      {pins?.length === 0 && (
        <div className="pad">
          <p>No pinned messages yet.</p>
          <p className="muted small-text">
            {isAdminRole(role)
              ? 'Pin a message from its actions (📌) to keep it here for everyone.'
              : 'Admins can pin important messages here.'}
          </p>
        </div>
      )}
      {pins && pins.length > 0 && (
        <ul className="pin-list" aria-label="Pinned messages">
          {pins.map((p) => (
            <PinItem
              key={p.id}
              pin={p}
              canUnpin={isAdminRole(role) && !archived}
              onUnpinned={() => setPins((list) => list?.filter((x) => x.id !== p.id) ?? null)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function PinItem({ pin, canUnpin, onUnpinned }: { pin: Pin; canUnpin: boolean; onUnpinned: () => void }) {
  // The store's copy follows live edits; the pin's own copy until the store has one.
  const m = useStore((s) => s.messages[pin.id]) ?? pin;
  const sender = useStore((s) => s.users[m.sender.id]) ?? m.sender;
  const { busy, error, run } = useAction();
  const jump = roomPath(m.room_id, m.id);
  return (
    <li className="pin">
      <div className="pin-head">
        <Avatar user={sender} size={24} />
        <button type="button" className="sender" onClick={() => ui.set({ panel: { kind: 'profile', userId: sender.id } })}>
          {sender.display_name}
        </button>
        <time className="muted small-text" dateTime={m.created_at} title={formatFull(m.created_at)}>
          {formatShort(m.created_at)}
        </time>
      </div>
      {m.deleted_at ? (
        <p className="tombstone">This message was deleted.</p>
      ) : (
        <>
          {m.content && <MessageBody content={m.content} />}
          {m.attachments.length > 0 && <Attachments items={m.attachments} messageId={m.id} />}
        </>
      )}
      <div className="pin-foot">
        <span className="muted small-text" title={formatFull(pin.pinned_at)}>
          Pinned {fromNow(pin.pinned_at)}
        </span>
        <a
          href={jump}
          className="pin-jump"
          onClick={(e) => {
            e.preventDefault();
            // On a phone the panel covers the room: close it to show the message.
            if (matchMedia('(max-width: 720px)').matches) ui.set({ panel: null });
            navigate(jump);
          }}
        >
          Jump<span className="sr-only"> to the message from {sender.display_name}</span>
        </a>
        {canUnpin && (
          <button
            type="button"
            className="secondary small"
            disabled={busy}
            onClick={() => void run(() => setPinned(pin.id, false)).then((ok) => ok && onUnpinned())}
            aria-label={`Unpin the message from ${sender.display_name}`}
          >
            Unpin
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
