import type { Attachment } from '@rooms/client';
import type { Room } from '../../state/types.ts';

/** The cover of an image or video room, as the room's view carries it (null when none is set). */
export const coverOf = (room: Room): Attachment | null => (room.topic_kind === 'image' || room.topic_kind === 'video' ? room.cover : null);

/** A small cover in the room header: the image's thumbnail, or the video's first frame. */
export function RoomCover({ room, name }: { room: Room; name: string }) {
  const cover = coverOf(room);
  if (!cover) return null;
  if (cover.kind === 'video')
    return <video className="room-cover" src={cover.url} preload="metadata" muted playsInline aria-label={`Cover of ${name}`} />;
  return <img className="room-cover" src={cover.thumbnail?.url ?? cover.url} alt={`Cover of ${name}`} width={40} height={40} />;
}
