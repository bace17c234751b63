import { useEffect, useState } from 'react';
import { dayKey, formatDay, formatFull, formatTime } from '../../lib/format.ts';
import { navigate, roomPath } from '../../lib/router.ts';
import { errorText, readAllNotifications, readNotification } from '../../state/actions.ts';
import { loadMoreNotifications, refreshNotifications, usePeople } from '../../state/people-actions.ts';
import { roomName } from '../../state/selectors.ts';
import { useStore } from '../../state/store.ts';
import type { Notification } from '../../state/types.ts';
import { ui } from '../../state/ui.ts';
import { ProfileAvatar } from '../people/ProfileAvatar.tsx';

const onPhone = () => matchMedia('(max-width: 720px)').matches;

/** The notification centre: mentions, replies, direct messages and invitations, newest first. */
export default function NotificationsPanel() {
  const items = useStore((s) => s.notifications.items);
  const unread = useStore((s) => s.notifications.unread);
  const loaded = useStore((s) => s.notifications.loaded);
  const cursor = usePeople((p) => p.notificationsCursor);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    // The list the app loaded at sign-in has no cursor: this page brings one, and fresh counts.
    refreshNotifications().catch((err) => setError(errorText(err)));
  }, []);

  const act = (p: Promise<unknown>) => p.catch((err) => setError(errorText(err)));

  async function more() {
    setLoadingMore(true);
    await act(loadMoreNotifications());
    setLoadingMore(false);
  }

  return (
    <div className="notifications">
      <div className="notifications-bar">
        <p className="muted" role="status">
          {unread === 0 ? 'All caught up.' : `${unread} unread`}
        </p>
        <button type="button" className="secondary small" disabled={unread === 0} onClick={() => void act(readAllNotifications())}>
          Mark all read
        </button>
      </div>
      {error && (
        <p className="error notifications-error" role="alert">
          {error}
        </p>
      )}
      {!loaded ? (
        <p className="people-empty muted">Loading notifications…</p>
      ) : items.length === 0 ? (
        <div className="people-empty">
          <p>
            <strong>No notifications yet.</strong>
          </p>
          <p className="muted">When someone mentions you, replies to you, messages you directly or adds you to a room, it shows up here.</p>
        </div>
      ) : (
        <ul className="notification-list" aria-label="Notifications">
          {items.map((n) => (
            <NotificationItem key={n.id} n={n} onError={setError} />
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" className="secondary load-more" disabled={loadingMore} onClick={() => void more()}>
          {loadingMore ? 'Loading…' : 'Load older notifications'}
        </button>
      )}
    </div>
  );
}

interface Payload {
  roomName: string | null;
  excerpt: string | null;
}

/** The server's payload (room_name, excerpt) read defensively: it is typed unknown on the wire. */
function payloadOf(n: Notification): Payload {
  const p = n.payload;
  if (typeof p !== 'object' || p === null) return { roomName: null, excerpt: null };
  const roomName = 'room_name' in p && typeof p.room_name === 'string' ? p.room_name : null;
  const excerpt = 'excerpt' in p && typeof p.excerpt === 'string' ? p.excerpt : null;
  return { roomName, excerpt };
}

/** "14:02" today, "Yesterday 14:02", "Monday, March 3 14:02" before. */
const when = (iso: string) => (dayKey(iso) === dayKey(new Date().toISOString()) ? formatTime(iso) : `${formatDay(iso)} ${formatTime(iso)}`);

const VERB: Record<Notification['type'], string> = {
  mention: 'mentioned you',
  reply: 'replied to you',
  direct_message: 'sent you a message',
  room_invite: 'added you to',
};

function NotificationItem({ n, onError }: { n: Notification; onError: (e: string) => void }) {
  const room = useStore((s) => (n.room_id ? s.rooms[n.room_id] : undefined));
  const liveName = useStore((s) => (room ? roomName(s, room) : null));
  const payload = payloadOf(n);
  const where = room && room.type !== 'direct' ? liveName : payload.roomName;
  const who = n.actor?.display_name ?? 'Someone';
  const unread = !n.read_at;

  function open() {
    if (unread) readNotification(n.id).catch((err) => onError(errorText(err)));
    if (n.room_id) {
      if (onPhone()) ui.set({ panel: null });
      navigate(roomPath(n.room_id, n.message_id));
    }
  }

  const place = where ? `#${where}` : n.type === 'room_invite' ? 'a room' : null;
  // The whole line is one button: its name reads as the sentence it shows.
  return (
    <li className={`notification ${unread ? 'unread' : ''}`}>
      <button type="button" className="notification-button" onClick={open}>
        {n.actor ? (
          <ProfileAvatar user={n.actor} size={32} />
        ) : (
          <span className="notification-icon" aria-hidden="true">
            🔔
          </span>
        )}
        <span className="notification-main">
          <span className="notification-text">
            {unread && <span className="sr-only">Unread: </span>}
            <strong>{who}</strong> {VERB[n.type]}
            {place && (
              <>
                {n.type === 'room_invite' ? ' ' : ' in '}
                <strong>{place}</strong>
              </>
            )}
          </span>
          {payload.excerpt && <span className="notification-excerpt muted">{payload.excerpt}</span>}
          <time className="notification-time muted" dateTime={n.created_at} title={formatFull(n.created_at)}>
            {when(n.created_at)}
          </time>
        </span>
        {unread && <span className="unread-dot" aria-hidden="true" />}
      </button>
    </li>
  );
}
