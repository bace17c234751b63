import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { typingText } from '../../lib/format.ts';
import { ensureUser } from '../../state/actions.ts';
import { roomName } from '../../state/selectors.ts';
import { useStore } from '../../state/store.ts';
import { ui } from '../../state/ui.ts';
import { addFiles } from '../../state/uploads.ts';
import { IconButton, PresenceDot } from '../common.tsx';
import { PeerStatus } from '../people/PeerStatus.tsx';
import { Timeline } from '../timeline/Timeline.tsx';
import { openSearch } from '../keyboard.ts';
import { RoomCover } from '../attachments/RoomCover.tsx';
import { Composer } from './Composer.tsx';
import { RoomMenu } from './RoomMenu.tsx';
import { useMutedNow } from './useMutedNow.ts';

/**
 * A room: its header, timeline, who is typing, and the composer. It stays mounted, hidden (not
 * `shown`), for a while after the user leaves it (App.tsx, useKeptRooms); `visit` counts the times
 * it was opened.
 */
export const RoomView = memo(function RoomView({
  roomId,
  focusId,
  shown,
  visit,
}: {
  roomId: string;
  focusId: string | null;
  shown: boolean;
  visit: number;
}) {
  const room = useStore((s) => s.rooms[roomId]);
  const name = useStore((s) => (room ? roomName(s, room) : ''));
  // The read point when the room was opened (this visit): the "new messages" line stays there while it is open.
  const lastRead = useRef<{ room: string; visit: number; seq: number } | null>(null);
  if (room && (lastRead.current?.room !== roomId || lastRead.current.visit !== visit))
    lastRead.current = { room: roomId, visit, seq: room.membership?.last_read_seq ?? room.last_seq };

  // After the room is painted: a title change is a synchronous round trip to Chromium's browser
  // process (about 10 ms per room switch at bench:ui's 4x throttle), and it ran before the paint
  // (a click's effects are flushed before the browser paints).
  // A hidden tab has no frames: there it is set at once.
  useEffect(() => {
    if (!shown) return;
    const set = () => void (document.title = name ? `${name} · Rooms` : 'Rooms');
    if (document.hidden) return set();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(set)));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [name, shown]);

  // Files dragged over the room: a drop zone over the timeline, the files go to the composer's tray.
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const hasFiles = (e: React.DragEvent) => e.dataTransfer.types.includes('Files');
  const muted = useMutedNow(room?.membership);
  const canAttach = !!room && !room.archived && !muted;
  const drop = canAttach
    ? {
        onDragEnter: (e: React.DragEvent) => {
          if (!hasFiles(e)) return;
          depth.current++;
          setDragging(true);
        },
        onDragLeave: () => {
          depth.current = Math.max(0, depth.current - 1);
          if (depth.current === 0) setDragging(false);
        },
        onDragOver: (e: React.DragEvent) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        },
        onDrop: (e: React.DragEvent) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          depth.current = 0;
          setDragging(false);
          addFiles(roomId, e.dataTransfer.files);
        },
      }
    : {};

  if (!room) return null;
  const peer = room.type === 'direct' ? room.peer : null;
  return (
    <section className={shown ? 'room' : 'room kept'} aria-label={name} inert={!shown} aria-hidden={shown ? undefined : true}>
      <header className="room-head">
        <IconButton label="Open the room list" icon="☰" className="drawer-toggle" onClick={() => ui.set({ drawerOpen: true })} />
        <RoomCover room={room} name={name} />
        <div className="room-title">
          <h2 className="ellipsis">
            {room.type === 'direct' && room.peer ? (
              <PresenceDot userId={room.peer.id} />
            ) : (
              <span aria-hidden="true">{room.type === 'private' ? '🔒 ' : '# '}</span>
            )}
            {name}
          </h2>
          {peer ? <PeerStatus userId={peer.id} /> : room.description && <p className="room-desc ellipsis muted">{room.description}</p>}
        </div>
        {room.archived && <span className="tag">Archived</span>}
        {room.type !== 'direct' && <IconButton label="Members" icon="👥" onClick={() => ui.set({ panel: { kind: 'members', roomId } })} />}
        {peer && (
          <IconButton label={`Profile of ${name}`} icon="👤" onClick={() => ui.set({ panel: { kind: 'profile', userId: peer.id } })} />
        )}
        <IconButton label="Pinned messages" icon="📌" onClick={() => ui.set({ panel: { kind: 'pins', roomId } })} />
        <IconButton label="Search messages" icon="🔍" onClick={openSearch} />
        <RoomMenu room={room} />
      </header>
      <div className={`room-body ${dragging ? 'dragging' : ''}`} {...drop}>
        <Timeline roomId={roomId} label={name} focusId={focusId} lastReadSeq={lastRead.current?.seq ?? 0} visible={shown} />
        {dragging && (
          <div className="drop-zone" aria-hidden="true">
            Drop files to attach them
          </div>
        )}
      </div>
      <TypingLine roomId={roomId} />
      <Composer roomId={roomId} placeholder={`Message ${room.type === 'direct' ? name : `#${name}`}`} shown={shown} />
    </section>
  );
});

/** "alice is typing…": entries expire on their own if the stop never comes. */
export function TypingLine({ roomId }: { roomId: string }) {
  const typing = useStore((s) => s.typing[roomId]);
  const users = useStore((s) => s.users);
  const meId = useStore((s) => s.me?.id);
  const now = Date.now();
  const names = useMemo(
    () =>
      Object.entries(typing ?? {})
        .filter(([id, until]) => id !== meId && until > now)
        .map(([id]) => users[id]?.display_name ?? 'Someone'),

    [typing, users, meId, now],
  );
  useEffect(() => {
    for (const id of Object.keys(typing ?? {})) ensureUser(id);
  }, [typing]);
  // Re-render when the earliest entry expires (a stop that never came).
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const next = Math.min(...Object.values(typing ?? {}).filter((t) => t > Date.now()));
    if (!Number.isFinite(next)) return;
    const t = setTimeout(() => setTick((n) => n + 1), next - Date.now() + 50);
    return () => clearTimeout(t);
  }, [typing, tick]);
  return (
    <div className="typing" aria-live="polite">
      {typingText(names)}
    </div>
  );
}
