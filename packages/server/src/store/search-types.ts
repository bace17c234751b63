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

/**
 * How many matches a search counts exactly; past it, `total` is an estimate (total_exact false).
 * A broad query ("the", a single letter in a busy server) matches a large share of the searcher's
 * rooms: the total's own cost stays bounded whatever the query (a count that stops at the bound
 * + 1, then a sample of fixed size), where a count of every match kept them all beside the page.
 * A thousand is more than anyone pages through (50 pages of 20); clients say "about N" past it.
 */
export const SEARCH_TOTAL_EXACT_MAX = 1000;

export interface MessageSearchPage {
  items: MessageRow[];
  next_cursor: string | null;
  /** How many messages match (not only this page): exact up to SEARCH_TOTAL_EXACT_MAX, then an estimate above it. */
  total: number;
  /** False when `total` is an estimate (more than SEARCH_TOTAL_EXACT_MAX match). */
  total_exact: boolean;
}
