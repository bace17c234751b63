import { navigate, roomPath } from '../lib/router.ts';
import type { Notification } from '../state/types.ts';

/**
 * Desktop notifications for mentions, replies and direct messages. Permission is asked from a
 * user's click (never on load); none for the room on screen while the window has focus.
 */
export const desktopSupported = () => typeof Notification !== 'undefined';

export async function askPermission(): Promise<NotificationPermission> {
  return desktopSupported() ? Notification.requestPermission() : 'denied';
}

const TITLES: Record<Notification['type'], string> = {
  mention: 'mentioned you',
  reply: 'replied to you',
  direct_message: 'sent you a message',
  room_invite: 'invited you to a room',
};

export function showDesktop(n: Notification, currentRoom: string | null): void {
  if (!desktopSupported() || window.Notification.permission !== 'granted') return;
  if (n.room_id && n.room_id === currentRoom && document.hasFocus()) return;
  const payload = (n.payload ?? {}) as { excerpt?: string; content?: string; room_name?: string };
  const body = String(payload.excerpt ?? payload.content ?? '').slice(0, 200);
  const note = new window.Notification(`${n.actor?.display_name ?? 'Someone'} ${TITLES[n.type]}`, { body, tag: n.id });
  note.onclick = () => {
    window.focus();
    if (n.room_id) navigate(roomPath(n.room_id, n.message_id));
    note.close();
  };
}
