import { z } from 'zod';
import { ATTACHMENT_LIMITS, LIMITS, LIMIT_CEILINGS, ROOM_LIMITS } from '../limits.ts';
import { AttachmentView } from './attachments.ts';
import { Id, SEQ_MAX, Seq, Timestamp, pageOf, singleLine, text } from './common.ts';
import { UserSummary } from './users.ts';

/** One emoji: a single RGI emoji, including ZWJ sequences, flags, keycaps and skin tones. */
export const Emoji = z
  .string()
  .max(64)
  .refine((s) => /^\p{RGI_Emoji}$/v.test(s), { message: 'must be exactly one emoji' });

export const MessageContent = text({ min: ROOM_LIMITS.message.min, max: LIMIT_CEILINGS.message.max, multiline: true, trim: false }).refine(
  (s) => s.trim().length > 0,
  { message: 'must not be blank' },
);

/** A message's text when it has attachments: it may then be empty. */
export const MessageCaption = text({ max: LIMIT_CEILINGS.message.max, multiline: true, trim: false });

/** Up to ATTACHMENT_LIMITS.perMessage ids of the sender's own unposted uploads, in the order shown. */
export const MessageAttachmentIds = z
  .array(Id)
  .max(ATTACHMENT_LIMITS.perMessage)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'must not repeat an attachment' });

/** What a send carries, over REST and WebSocket alike: text, attachments, or both. */
export const SendMessageFields = {
  content: MessageCaption.default(''),
  parent_id: Id.optional().meta({
    description:
      "reply in a thread: threads are one level deep, so a reply to a reply joins its root's thread (the answer's parent_id says where it went)",
  }),
  client_id: z
    .string()
    .min(1)
    .max(ROOM_LIMITS.clientId.max)
    .regex(/^[\w.:-]+$/, 'may contain only letters, digits and . _ : -')
    .optional(),
  attachments: MessageAttachmentIds.optional(),
};

/** Content must not be blank unless the message has attachments. */
export const hasContentOrAttachments = (b: { content: string; attachments?: string[] | undefined }): boolean =>
  b.content.trim().length > 0 || (b.attachments?.length ?? 0) > 0;
const BLANK = { message: 'must not be blank (unless the message has attachments)', path: ['content'] };

export const SendMessageBody = z.strictObject(SendMessageFields).refine(hasContentOrAttachments, BLANK);
export const SendMessageFrame = z.strictObject({ room_id: Id, ...SendMessageFields }).refine(hasContentOrAttachments, BLANK);

export const EditMessageBody = z.strictObject({ content: MessageContent });
export const ReactionBody = z.strictObject({ emoji: Emoji });
export const ReactionParams = z.strictObject({ id: Id, emoji: singleLine(z.string().min(1).max(64)) });

export const ReactionGroup = z.object({ emoji: z.string(), count: z.number().int(), me: z.boolean() });

/** Who reacted with each emoji: the first REACTORS_SHOWN people per emoji (count says how many in all). */
export const REACTORS_SHOWN = 50;
export const ReactorList = pageOf(z.object({ emoji: z.string(), count: z.number().int(), users: z.array(UserSummary) }));

export const MessageView = z.object({
  id: Id,
  room_id: Id,
  seq: z.number().int(),
  sender: UserSummary,
  type: z.enum(['text', 'image', 'file', 'audio', 'video', 'system']),
  content: z.string(),
  parent_id: Id.nullable(),
  client_id: z.string().nullable(),
  mentions: z.array(Id),
  mentions_room: z.boolean(),
  reply_count: z.number().int(),
  reactions: z.array(ReactionGroup),
  read_by_count: z.number().int(),
  /** Direct rooms, my own messages: sent → delivered (the other side fetched it) → read. */
  receipt: z.enum(['sent', 'delivered', 'read']).nullable(),
  pinned: z.boolean(),
  /** In the order sent; empty for a tombstone. URLs are signed (see AttachmentView). */
  attachments: z.array(AttachmentView),
  created_at: Timestamp,
  edited_at: Timestamp.nullable(),
  deleted_at: Timestamp.nullable(),
});
export type MessageView = z.infer<typeof MessageView>;

/** A page position: a seq (within the column's range) or a message id. */
const Position = z
  .string()
  .max(64)
  .refine((s) => (/^\d{1,10}$/.test(s) ? Number(s) <= SEQ_MAX : Id.safeParse(s).success), {
    message: `must be a seq (0 to ${SEQ_MAX}) or a message id`,
  });

/** Position by message id or seq; newest first unless `after` is given. */
export const MessageListQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(LIMITS.page.max).default(LIMITS.page.default),
    before: Position.optional().meta({ description: 'message id or seq: messages older than it' }),
    after: Position.optional().meta({ description: 'message id or seq: messages newer than it, oldest first' }),
    cursor: singleLine(z.string().max(300))
      .optional()
      .meta({ description: 'the next_cursor of the previous page: continues in its direction' }),
    parent_id: Id.optional().meta({ description: 'list the replies of this thread' }),
  })
  .refine((q) => [q.before, q.after, q.cursor].filter((v) => v !== undefined).length <= 1, {
    message: 'give at most one of before, after and cursor',
    path: ['before'],
  });

export const MessagePage = pageOf(MessageView).extend({
  /** The seq to pass as before= (or after=) for the next page; null when there is none. next_cursor says the same as ?cursor=. */
  next: z.string().nullable().meta({ description: 'the seq to pass as before= (or after=) for the next page; null on the last one' }),
});

export const ReadBody = z
  .strictObject({ message_id: Id.optional(), seq: Seq.optional() })
  .refine((b) => (b.message_id === undefined) !== (b.seq === undefined), { message: 'give message_id or seq', path: ['message_id'] });
export const ReadState = z.object({
  last_read_seq: z.number().int(),
  last_read_message_id: Id.nullable(),
  last_read_at: Timestamp.nullable(),
  unread_count: z.number().int(),
});

export const Reader = z.object({ user: UserSummary, read_at: Timestamp.nullable() });
export const ReaderList = pageOf(Reader);
export const PinList = pageOf(MessageView.extend({ pinned_at: Timestamp, pinned_by: Id.nullable() }));
