import { z } from 'zod';
import { Timestamp, pageOf, pageQueryFields } from './common.ts';
import { MessageContent } from './messages.ts';
import { UserSummary } from './users.ts';

/** Who is online now, whose latest connection opened within N minutes, or who was active within N minutes. */
export const PresenceQuery = z
  .strictObject({
    state: z.enum(['online', 'connected', 'active']).default('online'),
    minutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(60)
      .optional()
      .meta({ description: 'connected / active: within the last N minutes (1-60)' }),
    ...pageQueryFields({ max: 1000, default: 200 }),
  })
  .refine((q) => (q.state === 'online') === (q.minutes === undefined), {
    message: 'give minutes with state=connected or state=active, and only then',
    path: ['minutes'],
  });

export const PresenceStatus = z.enum(['online', 'away', 'busy', 'offline']);

export const PresenceEntry = z.object({
  user: UserSummary,
  status: PresenceStatus,
  /** When the user's latest connection opened. */
  connected_at: Timestamp.nullable(),
  last_active: Timestamp.nullable(),
});
export type PresenceEntry = z.infer<typeof PresenceEntry>;

/** Sorted by username, a page at a time; `total` counts every match. */
export const PresenceList = pageOf(PresenceEntry).extend({ total: z.number().int() });

/** A server-wide announcement to everyone online (server admins only); not stored. */
export const BroadcastBody = z.strictObject({ content: MessageContent });
export const BroadcastResult = z.object({ delivered_to: z.number().int().meta({ description: 'users online when it was sent' }) });

/** Data of the `broadcast` event. */
export const BroadcastEvent = z.object({ from: UserSummary, content: z.string(), sent_at: Timestamp });
/** Data of `user_online` (a user's first connection opened) and `user_offline` (their last one closed). */
export const SessionEvent = z.object({ user: UserSummary, at: Timestamp });
