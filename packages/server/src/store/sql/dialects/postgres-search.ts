import { sql, type Kysely } from 'kysely';
import { DomainError } from '../../../domain/errors.ts';
import { escapeLike } from '../repositories/sql-helpers.ts';
import { DEADLINE_MARKER, TRIGRAM_MIN, codePoints, type SearchFragments, type SearchSql } from '../search/search-sql.ts';

const tooBroad = () =>
  new DomainError('query_too_broad', 'This search would take too long: add a longer word, a from:, in: or date filter.');
/** PostgreSQL's code for a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * PostgreSQL: message_search holds each message's search form with a stored english tsvector of
 * its words (GIN: stems), and a pg_trgm GIN index on the body (substrings, CJK: LIKE uses it).
 */
export const postgresSearch: SearchSql = {
  // Each room's newest messages first (search-messages.ts): a common word's or a phrase's page is
  // among them, where its GIN lookups found every match in every room (1M messages: 160-220 ms p50
  // against 40-50). A window that proves nothing gives way to the whole query: a rare word's plan.
  newestFirst: 'whole',
  // PostgreSQL's planner weighs the trigram index against the membership scan itself (pg_trgm keeps statistics).
  async prepare(_db, { deadlineMs }): Promise<SearchFragments> {
    const deadline = new Date(deadlineMs).toISOString();
    return {
      // Short texts give pg_trgm no trigram to look up (a scan of the whole index): strpos over the searcher's rooms instead.
      bodyContains: (text) =>
        codePoints(text) >= TRIGRAM_MIN
          ? sql<boolean>`s.body like ${`%${escapeLike(text)}%`} escape '\\'`
          : sql<boolean>`strpos(s.body, ${text}) > 0`,
      stemMatch: (tokens) => sql<boolean>`s.stems @@ phraseto_tsquery('english', ${tokens})`,
      contains: (column, text) => sql<boolean>`strpos(${column}, ${text}) > 0`,
      // The cast fails at run time only: clock_timestamp() is volatile, so the planner cannot fold it.
      inTime: () =>
        sql<boolean>`(case when clock_timestamp() > ${deadline}::timestamptz then cast(${`${DEADLINE_MARKER} `} || clock_timestamp()::text as integer) else 1 end) = 1`,
    };
  },

  async withBudget(db, budgetMs, fn) {
    const run = async (trx: typeof db) => {
      // statement_timeout also bounds what the per-row check cannot see (planning, a long index scan): the budget plus a margin.
      // The rest, for this transaction only: a search reads tens of thousands of rows at most. At
      // 1M messages, parallel workers' start and gather cost more than they save (370 ms of a 1.9 s
      // query on a busy 2-core machine), and JIT compiles for row estimates of whole tables. The
      // pages a search reads are its rooms' messages, cached: with the default random page cost
      // (4, a disk's) the planner read all 1M messages in order (a seq scan, or the whole
      // (room_id, seq) index) rather than each room's range, for a searcher whose rooms are spread.
      const timeout = String(Math.max(1, Math.ceil(budgetMs)) + 250);
      await sql`select set_config('statement_timeout', ${timeout}, true), set_config('max_parallel_workers_per_gather', '0', true),
        set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true)`.execute(trx);
      return fn(trx);
    };
    try {
      return await (db.isTransaction ? fn(db) : db.transaction().execute(run));
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === QUERY_CANCELED || e.message?.includes(DEADLINE_MARKER)) throw tooBroad();
      throw err;
    }
  },

  async createIndex(db: Kysely<unknown>, fill) {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create table message_search (
      message_id uuid primary key references messages(id) on delete cascade,
      body text not null,
      words text not null,
      stems tsvector generated always as (to_tsvector('english', words)) stored
    )`.execute(db);
    await fill();
    await sql`create index message_search_stems on message_search using gin (stems)`.execute(db);
    await sql`create index message_search_trigram on message_search using gin (body gin_trgm_ops)`.execute(db);
  },

  async indexMessagesForSearch(db) {
    await sql`create index if not exists messages_sender_created on messages (sender_id, created_at)`.execute(db);
    // What the search reads of each message in a scan of the searcher's rooms, in an index-only
    // scan: the message row (its page one of hundreds of thousands, the room's messages spread
    // among other rooms') is read for the page's hits only.
    await sql`create index if not exists messages_room_live on messages (room_id, seq) include (id, created_at) where deleted_at is null`.execute(
      db,
    );
  },

  async reindex(db) {
    await sql`reindex table message_search`.execute(db);
  },
};
