import { LIMIT_CEILINGS, ROOM_LIMITS, type ClientFrame } from '@rooms/protocol';
import { z } from 'zod';

/** The pattern of the protocol's Id (z.uuid()): zod's own. */
const UUID = z.regexes.uuid();
/** A frame id any rule of the protocol's accepts: printable ASCII, 1-64 characters. */
const PLAIN_ID = /^[\x20-\x7e]{1,64}$/;
/** Printable ASCII, tab and newline: text NFC leaves as it is, with nothing MessageCaption refuses but its length. */
const PLAIN_TEXT = /^[\x20-\x7e\n\t]*$/;
/** SendMessageFields.client_id's pattern. */
const CLIENT_ID = /^[\w.:-]+$/;
const FRAME_KEYS: ReadonlySet<string> = new Set(['type', 'id', 'data']);
const DATA_KEYS: ReadonlySet<string> = new Set(['room_id', 'content', 'parent_id', 'client_id']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every own key is one of these, and each of `required` is there. */
function keysWithin(o: Record<string, unknown>, allowed: ReadonlySet<string>, ...required: string[]): boolean {
  for (const k of Object.keys(o)) if (!allowed.has(k)) return false;
  return required.every((k) => Object.hasOwn(o, k));
}

/**
 * A send_message frame of the common form, read without zod: `{ type, id?, data: { room_id,
 * content, parent_id?, client_id? } }` whose text is printable ASCII (tabs and newlines too), not
 * blank, and whose ids are plainly valid. ClientFrame.safeParse cost a send ~40 µs of CPU at 10×100
 * (perf, the server at 200 msg/s), most of it MessageCaption's chain (normalize, refinements,
 * code points), which such text passes as it is. Returns what ClientFrame.safeParse would give
 * for it; anything else (other frames, Unicode text, attachments, anything invalid) gives
 * undefined, and the caller asks zod, which also words the refusals.
 */
export function plainSendFrame(raw: unknown): ClientFrame | undefined {
  if (!isPlainObject(raw) || raw.type !== 'send_message' || !keysWithin(raw, FRAME_KEYS, 'type', 'data')) return undefined;
  const { id, data } = raw;
  if (id !== undefined && (typeof id !== 'string' || !PLAIN_ID.test(id))) return undefined;
  if (!isPlainObject(data) || !keysWithin(data, DATA_KEYS, 'room_id', 'content')) return undefined;
  const { room_id, content, parent_id, client_id } = data;
  if (typeof room_id !== 'string' || !UUID.test(room_id)) return undefined;
  if (typeof content !== 'string' || content.length > LIMIT_CEILINGS.message.max || !PLAIN_TEXT.test(content) || content.trim() === '')
    return undefined;
  if (parent_id !== undefined && (typeof parent_id !== 'string' || !UUID.test(parent_id))) return undefined;
  if (
    client_id !== undefined &&
    (typeof client_id !== 'string' || client_id.length > ROOM_LIMITS.clientId.max || !CLIENT_ID.test(client_id))
  )
    return undefined;
  return {
    type: 'send_message',
    ...(id === undefined ? {} : { id }),
    data: {
      room_id,
      content,
      ...(parent_id === undefined ? {} : { parent_id }),
      ...(client_id === undefined ? {} : { client_id }),
    },
  };
}
