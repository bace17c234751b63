import { useEffect } from 'react';
import { loadProfile, usePeople } from '../../state/people-actions.ts';
import { useStore } from '../../state/store.ts';
import { PRESENCE_TEXT } from './presence.ts';

/** Under a direct room's name: the other person's presence and status message ("Away · On holiday"). */
export function PeerStatus({ userId }: { userId: string }) {
  const presence = useStore((s) => s.presence[userId] ?? 'offline');
  const profile = usePeople((p) => p.profiles[userId]);
  useEffect(() => {
    // The status message is part of the profile; refreshed each time the room is opened.
    void loadProfile(userId).catch(() => {});
  }, [userId]);
  const message = profile && profile !== 'gone' ? profile.status_message : null;
  return (
    <p className="room-desc peer-status ellipsis muted">
      {PRESENCE_TEXT[presence]}
      {message && (
        <>
          {' · '}
          <span className="status-message">{message}</span>
        </>
      )}
    </p>
  );
}
