import type { ClientFrame } from '@rooms/protocol';
import type { Clock } from '../../ports/clock.ts';
import type { Services } from '../../services/index.ts';
import type { Connection } from './connection.ts';

export interface HandlerDeps {
  services: Services;
  clock: Clock;
}

/** Rooms a resume follows before it lets other work run. */
const YIELD_EVERY_ROOMS = 20;
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

type Frame<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>['data'];

/**
 * One handler per client frame. Each calls the same service method as its REST twin, so the
 * rules, limits and rate limits are the same on both paths.
 */
export function frameHandlers(d: HandlerDeps) {
  const { services } = d;

  /** Follow a room from a seq the client has seen (or from now), replaying anything after it. */
  const followFrom = async (conn: Connection, roomId: string, lastSeq: number | undefined) => {
    const stream = conn.follow(roomId, await services.live.followFrom(conn.actor, roomId, lastSeq));
    await stream.fill();
    return { room_id: roomId, last_seq: stream.lastSeq };
  };

  const handlers: { [T in ClientFrame['type']]: (conn: Connection, data: Frame<T>) => Promise<unknown> } = {
    join_room: (conn, data) => followFrom(conn, data.room_id, data.last_seq),

    leave_room: async (conn, data) => {
      conn.unfollow(data.room_id, undefined);
      return { room_id: data.room_id };
    },

    resume: async (conn, data) => {
      const rooms: Record<string, number> = {};
      const refused: string[] = [];
      let followed = 0;
      for (const [roomId, lastSeq] of Object.entries(data.rooms)) {
        // On SQLite every read resolves at once: a resume of 1,000 rooms would hold the event loop
        // for all of them (others' requests, and this socket's own next frames, would wait).
        if (++followed % YIELD_EVERY_ROOMS === 0) await yieldToOthers();
        try {
          rooms[roomId] = (await followFrom(conn, roomId, lastSeq)).last_seq;
        } catch {
          // Not a member (any more): nothing to replay; say so rather than stay silent.
          refused.push(roomId);
        }
      }
      return { rooms, not_member: refused };
    },

    send_message: async (conn, data) => {
      const { room_id, ...input } = data;
      const { message, created } = await services.messages.send(conn.actor, room_id, input);
      // Sending ends typing, as in every chat client.
      await services.typing.stop(conn.actor, room_id);
      return { message, created };
    },

    read_message: async (conn, data) => services.reads.markRead(conn.actor, data.room_id, data),

    typing_start: async (conn, data) => services.typing.start(conn.actor, data.room_id),

    typing_stop: async (conn, data) => services.typing.stop(conn.actor, data.room_id),

    set_status: async (conn, data) => services.presence.setStatus(conn.actor, data.status),

    ping: async () => ({ pong: d.clock.now().toISOString() }),
  };

  return (conn: Connection, frame: ClientFrame): Promise<unknown> => {
    const handler = handlers[frame.type] as (conn: Connection, data: unknown) => Promise<unknown>;
    return handler(conn, frame.data);
  };
}
