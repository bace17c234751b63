import type { SearchHit as SearchHitSchema, SearchPage as SearchPageSchema, SearchParams } from '@rooms/protocol';
import type { Http } from '../http.ts';
import type { Out } from './types.ts';

/** One page of results: the hits, the next page's cursor (null on the last), and how many match. */
export type SearchPage = Out<typeof SearchPageSchema>;
/** A message that matched, with its room, the match ranges in its content, and one message of context each side. */
export type SearchHit = Out<typeof SearchHitSchema>;

export interface SearchOptions {
  /** Only this room (the same as `in:` with the room's id). */
  roomId?: string | undefined;
  /** Hits per page (1-50, 20 by default). */
  limit?: number | undefined;
  /** The previous page's next_cursor. */
  cursor?: string | undefined;
  /** Best matches first (the default), or newest first. A query of filters only is always newest first. */
  sort?: SearchParams['sort'] | undefined;
}

/**
 * Messages I can read that match a query in the query language of SPEC §5: words, "phrases",
 * -exclusions, from:, in:, before:/after:/during:, has:, is:. A query the server cannot parse
 * rejects with a RoomsApiError of code `invalid_query` whose message names the culprit.
 */
export function searchApi(http: Http) {
  return (query: string, options: SearchOptions = {}): Promise<SearchPage> =>
    http.get<SearchPage>('/search', {
      q: query,
      room_id: options.roomId,
      limit: options.limit,
      cursor: options.cursor,
      sort: options.sort,
    });
}
