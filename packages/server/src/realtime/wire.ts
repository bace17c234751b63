import type { DomainEvent } from '../events/events.ts';

/**
 * The bytes of a server event, built once per event and written as-is to every recipient
 * (ws sends a Buffer without re-encoding it per socket).
 */
export function encodeEvent(e: DomainEvent): Buffer {
  if (e.kind === 'room') {
    return Buffer.from(JSON.stringify(e.seq === undefined ? { type: e.type, room_id: e.room_id, data: e.data } : { type: e.type, room_id: e.room_id, seq: e.seq, data: e.data }));
  }
  return Buffer.from(JSON.stringify({ type: e.type, data: e.data }));
}

/** A frame the server sends to one socket (ready, ack, error). */
export const encodeFrame = (frame: Record<string, unknown>): Buffer => Buffer.from(JSON.stringify(frame));
