import type { StoredEvent } from '../../realtime/room-stream.ts';
import { encodeEvent } from '../../realtime/wire.ts';
import { roomLogAfter } from '../../services/messages/room-log.ts';
import type { Store } from '../../store/store.ts';

/** Room events read back from the log, encoded exactly as they were sent live. */
export async function storedEvents(store: Store, roomId: string, after: number, limit: number): Promise<StoredEvent[]> {
  const rows = await roomLogAfter(store, roomId, after, limit);
  return rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    data: r.payload,
    frame: encodeEvent({ kind: 'room', room_id: r.room_id, seq: r.seq, type: r.type as never, data: r.payload }),
  }));
}
