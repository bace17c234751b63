import { z } from 'zod';

const range = z.object({ min: z.number().int(), max: z.number().int() });

/** GET /limits: this server's configured limits (see ServerLimits in limits.ts). */
export const ServerLimitsView = z.object({
  username: range,
  password: range,
  display_name: range,
  status_message: z.object({ max: z.number().int() }),
  room_name: range,
  message: range,
  edit_window_seconds: z.number().int(),
  invite_default_seconds: z.number().int(),
  typing_seconds: z.number().int(),
  away_after_seconds: z.number().int(),
  attachment_max_bytes: z.number().int(),
  attachments_per_message: z.number().int(),
  message_rate: z.object({ limit: z.number().int(), window_seconds: z.number().int() }),
});
