import type { MessageRow } from './room-types.ts';

/** How to run one message search (MessageRepository.search). */
export interface MessageSearchOptions {
  /** Only this room (it must still be one of the searcher's). */
  roomId?: string | undefined;
  /** Best matches first (recency breaks ties), or newest first; a query of filters only is always newest first. */
  sort: 'relevance' | 'recent';
  limit: number;
  /** A next_cursor of a page of the same query and sort. */
  cursor?: string | undefined;
  /** How long the query may run, in ms: past it the search fails with query_too_broad. */
  budgetMs: number;
}

export interface MessageSearchPage {
  items: MessageRow[];
  next_cursor: string | null;
  /** Every message that matches (not only this page). */
  total: number;
  total_exact: boolean;
}
