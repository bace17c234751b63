import { z } from 'zod';
import { Id, singleLine, text } from './common.ts';
import { MessageView } from './messages.ts';
import { RoomType } from './rooms.ts';

/** The query language's length bound (the parser counts terms too: at most 32). */
export const SEARCH_QUERY_MAX = 1000;
export const SEARCH_PAGE = { max: 50, default: 20 } as const;

/** GET /search: `q` in the query language of SPEC §5 (words, "phrases", -exclusions, from:, in:, …). */
export const SearchParams = z.strictObject({
  q: text({ min: 1, max: SEARCH_QUERY_MAX }),
  /** Only this room (the same as `in:` with the room's id). */
  room_id: Id.optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_PAGE.max).default(SEARCH_PAGE.default),
  cursor: singleLine(z.string().max(300)).optional(),
  /** Best matches first (recency breaks ties), or newest first. A query of filters only is always newest first. */
  sort: z.enum(['relevance', 'recent']).default('relevance'),
});
export type SearchParams = z.infer<typeof SearchParams>;

/**
 * Where a match is in `message.content`: offsets in UTF-16 code units (JavaScript string indices),
 * `end` exclusive. Plain numbers, never HTML: each client marks them up safely itself.
 */
export const SearchRange = z.object({ start: z.number().int().min(0), end: z.number().int().min(0) });
export type SearchRange = z.infer<typeof SearchRange>;

export const SearchRoomRef = z.object({ id: Id, name: z.string(), type: RoomType });

export const SearchHit = z.object({
  message: MessageView,
  room: SearchRoomRef,
  /** Sorted, non-overlapping; empty for a query of filters only. */
  matches: z.array(SearchRange),
  /** The message before and after it (in its thread, for a reply), as the searcher may read them; null at an end. */
  context: z.object({ before: MessageView.nullable(), after: MessageView.nullable() }),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchPage = z.object({
  items: z.array(SearchHit),
  /** The next page, stable while new messages arrive; null on the last one. */
  next_cursor: z.string().nullable(),
  /** How many messages match: exact up to 1,000, then an estimate (`total_exact` false: show it as "about N"). */
  total: z.number().int().min(0),
  total_exact: z.boolean(),
});
export type SearchPage = z.infer<typeof SearchPage>;
