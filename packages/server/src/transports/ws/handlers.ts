import type { ClientFrame } from '@rooms/protocol';
import type { Clock } from '../../ports/clock.ts';
import type { Services } from '../../services/index.ts';
import type { Connection } from './connection.ts';

export interface HandlerDeps {
  services: Services;
  clock: Clock;
}

type Frame<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>['data'];

/**
 * One handler per client frame. Each calls the same service method as its REST twin, so the
 * rules, limits and rate limits are the same on both paths.
 */
export function frameHandlers(d: HandlerDeps) {
  const { services } = d;

  const handlers: { [T in ClientFrame['type']]: (conn: Connection, data: Frame<T>) => Promise<unknown> } = {
    join_room: (conn, data) => conn.session.join(data.room_id, data.last_seq),

    leave_room: async (conn, data) => {
      conn.session.leave(data.room_id);
      return { room_id: data.room_id };
    },

    resume: (conn, data) => conn.session.resume(data.rooms),

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
