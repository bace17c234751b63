import { z } from 'zod';
import { Id } from './common.ts';
import { MessageView } from './messages.ts';

/**
 * The answer to a message sent to a user (POST /users/{id}/messages): the message, and the direct
 * room it went to, opened by this call (room_created) or already there.
 */
export const DirectSendResult = z.object({
  room_id: Id,
  room_created: z.boolean(),
  message: MessageView,
});
