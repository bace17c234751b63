import type { Kysely, RawBuilder } from 'kysely';
import type { DB } from '../schema.ts';

/**
 * What differs between the databases in message search: each dialect adapter implements this
 * (sqlite-search.ts: FTS5; postgres-search.ts: tsvector + pg_trgm), and the one query builder
 * (search-messages.ts) compiles the AST with it. Inside the fragments, `s` is the message's
 * message_search row and `m` its messages row.
 */
export interface SearchSql {
  /**
   * The builders for one query, which must be over by `input.deadlineMs` (epoch ms). A dialect
   * whose planner cannot see how common a term is (SQLite) looks at its index first, to choose
   * what drives the query: the rarest term through the index, or a scan of the searcher's rooms.
   */
  prepare(db: Kysely<DB>, input: PrepareInput): Promise<SearchFragments>;
  /** Runs a search under a time budget; a statement still running when it ends fails with query_too_broad. */
  withBudget<T>(db: Kysely<DB>, budgetMs: number, fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
  /** Creates the index (migration 0007), calling `fill` to write the rows of the messages that exist. */
  createIndex(db: Kysely<unknown>, fill: () => Promise<void>): Promise<void>;
  /** Rebuilds the database's own index structures from message_search (after `rooms search-index rebuild` rewrote its rows). */
  reindex(db: Kysely<DB>): Promise<void>;
  /**
   * SQLite (migration 0015): new rows wait in a pending list and reach the index once per group
   * commit (flushPending, before the commit), not once per message; absent on PostgreSQL.
   */
  batchIndexWrites?(db: Kysely<unknown>): Promise<void>;
  /** SQLite (migration 0016): the trigram index is written once enough rows wait, not at every commit. */
  deferTrigramWrites?(db: Kysely<unknown>): Promise<void>;
  /**
   * SQLite (migration 0017): messages are queued by their send and indexed in batches off the send
   * path (search-queue.ts), replacing the lists of 0015 and 0016; absent on PostgreSQL.
   */
  indexLater?(db: Kysely<unknown>): Promise<void>;
  /**
   * PostgreSQL (migration 0018): the indexes on messages its search plans need (by sender, for
   * from:; each room's live messages with their ids and times, for a scan of the searcher's rooms
   * that reads no message row); absent on SQLite.
   */
  indexMessagesForSearch?(db: Kysely<unknown>): Promise<void>;
  /**
   * SQLite (migration 0019): the trigram index keyed by room and seq, so that a term's candidates
   * in the searcher's rooms are read without those of every other room; absent on PostgreSQL.
   */
  trigramsByRoom?(db: Kysely<unknown>, progress: (detail: string) => void): Promise<void>;
  /**
   * PostgreSQL (migration 0020): each search row's room, indexed, so that a text index's lookup
   * (a substring, a 1–2-character CJK text) is narrowed to the searcher's rooms before any row is
   * read; absent on SQLite.
   */
  indexByRoom?(db: Kysely<unknown>): Promise<void>;
  /**
   * SQLite (migration 0021): the search rows' trigram keys lose their index (it cost every batch of
   * the search queue a page a room); candidates reach their rows through messages; absent on PostgreSQL.
   */
  unindexTrigramKeys?(db: Kysely<unknown>): Promise<void>;
  /**
   * SQLite (migration 0022): FTS5 merges no segments by itself; the search queue merges a few pages
   * with each batch (search-queue.ts: MERGE_PAGES_PER_MESSAGE); absent on PostgreSQL.
   */
  mergeInSteps?(db: Kysely<unknown>): Promise<void>;
  /**
   * A query that no rare term drives first reads each room's newest messages, and stops there when
   * they prove the page (search-messages.ts: newestFirst); absent: the whole query at once. When the
   * window proves nothing, 'rest' reads the messages it left out (SQLite: a scan of the rooms either
   * way), 'whole' runs the whole query (PostgreSQL: its planner may drive a rare word through the
   * index, which a part of the rooms' messages hides from it), and with 'whole' a query with `from:`
   * or of filters only runs whole from the start (the sender's index narrows it better than a window).
   */
  newestFirst?: 'rest' | 'whole';
}

export interface PrepareInput {
  deadlineMs: number;
  /** The texts (body form) every hit must contain: the query's words and phrases. */
  texts: string[];
  /** The token strings stemMatch will be asked about. */
  stems: string[];
  /** The tokens of each query word, by the word's text (body form): a word also matches by its stem. */
  stemOf: ReadonlyMap<string, string>;
  /** The rooms searched: a subquery of room ids (the searcher's memberships, narrowed by room_id and in:). */
  scope: RawBuilder<unknown>;
  /** How many messages the searcher's rooms hold (at most): what a scan would read. */
  scopeSize: () => Promise<number>;
}

export interface SearchFragments {
  /** `s.body` contains `text` (already in body form); through the trigram index when the text is long enough for it. */
  bodyContains(text: string): RawBuilder<boolean>;
  /** The word index matches these tokens (space-separated, in order) after stemming. */
  stemMatch(tokens: string): RawBuilder<boolean>;
  /** A per-row check `column` contains `text`, for rows already found (no index). */
  contains(column: RawBuilder<unknown>, text: string): RawBuilder<boolean>;
  /** True while the deadline is ahead; past it the statement fails (evaluated for each row scanned). */
  inTime(): RawBuilder<boolean>;
  /**
   * When one term is rare enough to start from: a subquery of `id`s of message_search rows that
   * holds every hit (the rows the index finds for that term). The query then reads those rows
   * first, and the searcher's rooms only for them.
   */
  candidates?: RawBuilder<unknown>;
  /**
   * When no term is rare enough for that, yet one's candidates are far fewer than the searcher's
   * messages: the same kind of subquery. The newest messages are still read first for the page;
   * these count the hits past them, and are the query when the newest prove nothing.
   */
  broadCandidates?: RawBuilder<unknown>;
}

/** The marker a statement that ran past its deadline fails with, on either database. */
export const DEADLINE_MARKER = 'search_deadline';

/** Texts shorter than this (in code points) cannot use a trigram index: they are matched by a scan of the searcher's rooms. */
export const TRIGRAM_MIN = 3;
export const codePoints = (s: string): number => [...s].length;
