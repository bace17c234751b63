import { z } from 'zod';

/**
 * The shapes of the seed's requests (`{"from", "instruction", "data"}`), checked before anything
 * runs: anything else gets a protocol error. The bounds keep one request's work small (a SEND or a
 * BLACKLIST names at most MAX_TARGETS users); the message itself is checked by the services.
 */
export const MAX_TARGETS = 50;
const Name = z.string().min(1).max(320);
const Names = z.array(Name).min(1).max(MAX_TARGETS);
const Minutes = z.number().int().min(1).max(60);

export const Request = z.object({
  from: Name,
  instruction: z.string().min(1).max(32),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Request = z.infer<typeof Request>;

/** Each instruction's `data`; unknown keys are ignored, as the seed's server did. */
export const INSTRUCTIONS = {
  LOGIN: z.object({ password: z.string().min(1).max(1024) }),
  LOGOUT: z.object({}),
  WHO: z.object({}),
  LAST: z.object({ number: Minutes }),
  ACTIVE: z.object({ number: Minutes }),
  BROADCAST: z.object({ message: z.string() }),
  SEND: z.object({ message: z.string(), message_to: Names }),
  BLACKLIST: z.object({ targets: Names }),
  WHITELIST: z.object({ targets: Names }),
  CHECK: z.object({ target: z.string().max(320) }),
} as const;
export type Instruction = keyof typeof INSTRUCTIONS;
export type DataOf<I extends Instruction> = z.infer<(typeof INSTRUCTIONS)[I]>;

export const isInstruction = (s: string): s is Instruction => Object.hasOwn(INSTRUCTIONS, s);

/** A refusal in the protocol's shape: `message` for every client path, `response.message` for LOGIN's. */
export const protocolError = (command: string, message: string) => ({ command, message, response: { message } });
