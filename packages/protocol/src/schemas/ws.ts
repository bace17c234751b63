import { z } from 'zod';
import { Id, Seq, singleLine } from './common.ts';
import { SendMessageFrame } from './messages.ts';

/**
 * The WebSocket protocol at /ws. Client frames are `{ type, id?, data }`; a frame with an id is
 * answered by `{ type: "ack", id, data }` or `{ type: "error", id, error: { code, message } }`.
 * Server events are `{ type, data }`, and room events also carry `room_id` and, when durable, `seq`.
 */
const frame = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), id: singleLine(z.string().min(1).max(64)).optional(), data });

const RoomRef = z.strictObject({ room_id: Id });

export const ClientFrame = z.discriminatedUnion('type', [
  frame('join_room', z.strictObject({ room_id: Id, last_seq: Seq.optional() })),
  frame('leave_room', RoomRef),
  frame('typing_start', RoomRef),
  frame('typing_stop', RoomRef),
  frame('send_message', SendMessageFrame),
  frame('read_message', z.strictObject({ room_id: Id, message_id: Id.optional(), seq: Seq.optional() })),
  frame('resume', z.strictObject({ rooms: z.record(Id, Seq).refine((r) => Object.keys(r).length <= 1000, 'at most 1000 rooms') })),
  frame('ping', z.strictObject({}).optional().default({})),
  frame('set_status', z.strictObject({ status: z.enum(['online', 'away', 'busy']) })),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** The data of `ready`, the server's first frame: who this is, each room followed from which seq, and the frame budget to pace to. */
export const ReadyData = z.object({
  user_id: Id,
  rooms: z.array(z.object({ room_id: Id, last_seq: Seq })),
  frame_budget: z.object({ rate: z.number(), burst: z.number() }).optional(),
});
export type ReadyData = z.infer<typeof ReadyData>;

// The protocol's constants live in realtime.ts, which needs no zod (a browser bundle keeps only what it uses).
export { CLOSE_CODES, RESUME_ROOMS_PER_TOKEN, WS_LIMITS, frameWeight } from '../realtime.ts';
