import { navigate } from '../../lib/router.ts';
import { client } from '../../lib/sdk.ts';
import { errorText, hideRoom, leaveRoom, putRoom } from '../../state/actions.ts';
import type { Room } from '../../state/types.ts';
import { Menu } from '../Menu.tsx';
import { toast, ui } from '../../state/ui.ts';

const LEVELS = [
  { value: 'all', label: 'All messages' },
  { value: 'mentions', label: 'Mentions only' },
  { value: 'muted', label: 'Nothing (muted)' },
] as const;

/** The room's menu: notification level, settings (admins), leave; a direct room is hidden instead of left. */
export function RoomMenu({ room }: { room: Room }) {
  const level = room.membership?.notification_level ?? 'all';
  const isAdmin = room.membership?.role === 'owner' || room.membership?.role === 'admin';

  async function setLevel(value: (typeof LEVELS)[number]['value']) {
    try {
      await client.rooms.setNotificationLevel(room.id, value);
      if (room.membership) putRoom({ ...room, membership: { ...room.membership, notification_level: value } });
    } catch (err) {
      toast(errorText(err));
    }
  }

  return (
    <Menu label="Settings" icon="⚙️" className="room-menu">
      <fieldset className="menu-group">
        <legend>Notify me about</legend>
        {LEVELS.map((l) => (
          <label key={l.value} className="menu-radio">
            <input type="radio" name={`level-${room.id}`} checked={level === l.value} onChange={() => void setLevel(l.value)} /> {l.label}
          </label>
        ))}
      </fieldset>
      {room.type !== 'direct' && (
        <button type="button" role="menuitem" onClick={() => ui.set({ panel: { kind: 'room-settings', roomId: room.id } })}>
          {isAdmin ? 'Room settings and invites' : 'About this room'}
        </button>
      )}
      {room.type === 'direct' && (
        <button
          type="button"
          role="menuitem"
          onClick={() =>
            void hideRoom(room.id).then(
              () => {
                toast('Conversation hidden. It comes back when a new message arrives.');
                navigate('/');
              },
              (err) => toast(errorText(err)),
            )
          }
        >
          Hide conversation
        </button>
      )}
      {room.type !== 'direct' && room.membership?.role !== 'owner' && (
        <button
          type="button"
          role="menuitem"
          className="danger-text"
          onClick={() =>
            void leaveRoom(room.id).then(
              () => navigate('/'),
              (err) => toast(errorText(err)),
            )
          }
        >
          Leave room
        </button>
      )}
    </Menu>
  );
}
