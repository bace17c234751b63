import { z } from 'zod';
import { Id, Timestamp, pageOf, pageQueryFields } from './common.ts';
import { UserSummary } from './users.ts';

export const NotificationView = z.object({
  id: Id,
  type: z.enum(['mention', 'reply', 'room_invite', 'direct_message']),
  room_id: Id.nullable(),
  message_id: Id.nullable(),
  actor: UserSummary.nullable(),
  payload: z.unknown(),
  created_at: Timestamp,
  read_at: Timestamp.nullable(),
});

export const NotificationListQuery = z.strictObject({
  ...pageQueryFields(),
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

const Counts = { unread_count: z.number().int(), unread_by_room: z.record(z.string(), z.number().int()) };

export const NotificationPage = pageOf(NotificationView).extend(Counts);
export const MarkedCount = z.object({ marked: z.number().int() });
