import type { StoredEvent } from '../../realtime/room-stream.ts';
import { encodeEvent } from '../../realtime/encoded-event.ts';
import type { LiveSessionsService } from '../../services/realtime/live-sessions.service.ts';

/** Room events read back from the log, encoded exactly as they were sent live. */
export async function storedEvents(live: LiveSessionsService, roomId: string, after: number, limit: number): Promise<StoredEvent[]> {
  const rows = await live.eventsAfter(roomId, after, limit);
  return rows.map((r) => ({ event: r, encoded: encodeEvent(r) }));
}
