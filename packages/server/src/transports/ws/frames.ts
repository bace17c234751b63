import type { EncodedEvent } from '../../realtime/encoded-event.ts';

/**
 * The frames the server sends, each built once as the complete bytes of a WebSocket text frame:
 * header and JSON payload in one buffer. Frames from server to client are never masked (RFC 6455
 * §5.1), so the same bytes go to every recipient as they are: a message to a room of 1,000 is
 * framed once, not once per socket, and each socket gets one write instead of header + payload.
 */
export function textFrame(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (head === 2) frame[1] = length;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(json, head);
  return frame;
}

/** The JSON text a frame carries (for tests). */
export function framePayload(frame: Buffer): string {
  const len = frame[1]! & 0x7f;
  return frame.toString('utf8', len < 126 ? 2 : len === 126 ? 4 : 10);
}

/**
 * Each event's frame, built by the first recipient that needs it and shared by the others (the hub
 * hands every recipient the same EncodedEvent). Weakly held: a frame lives as long as its event.
 */
const framed = new WeakMap<EncodedEvent, Buffer>();

/** An event's WebSocket frame, built once per event. */
export function eventFrame(e: EncodedEvent): Buffer {
  let frame = framed.get(e);
  if (!frame) framed.set(e, (frame = textFrame(e.json)));
  return frame;
}

/** A frame the server sends to one socket (ready, ack, error). */
export const encodeFrame = (frame: Record<string, unknown>): Buffer => textFrame(JSON.stringify(frame));
