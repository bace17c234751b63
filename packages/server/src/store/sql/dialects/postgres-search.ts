import { sql, type Kysely } from 'kysely';
import { DomainError } from '../../../domain/errors.ts';
import { escapeLike } from '../repositories/sql-helpers.ts';
import { DEADLINE_MARKER, TRIGRAM_MIN, codePoints, type SearchFragments, type SearchSql } from '../search/search-sql.ts';

const tooBroad = () =>
  new DomainError('query_too_broad', 'This search would take too long: add a longer word, a from:, in: or date filter.');
/** PostgreSQL's code for a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';
/** A text search_grams indexes as a whole: one or two characters, none of them ASCII (a space never is in a gram). */
const GRAMMED = /^[^\x00-\x7f]{1,2}$/u;

/**
 * PostgreSQL: message_search holds each message's search form and room with a stored english
 * tsvector of its words (GIN: stems), a pg_trgm GIN index on the body (substrings, CJK: LIKE uses
 * it), a GIN index of the 1–2-character grams of its non-ASCII text (search_grams: 1–2-character
 * CJK), and a btree on the room (every text lookup is ANDed with the searcher's rooms).
 */
export const postgresSearch: SearchSql = {
  // Each room's newest messages first (search-messages.ts): a common word's or a phrase's page is
  // among them, where its GIN lookups found every match in every room (1M messages: 160-220 ms p50
  // against 40-50). A window that proves nothing gives way to the whole query: a rare word's plan.
  newestFirst: 'whole',
  // PostgreSQL's planner weighs the trigram index against the membership scan itself (pg_trgm keeps statistics).
  async prepare(_db, { deadlineMs, scope: rooms }): Promise<SearchFragments> {
    const deadline = new Date(deadlineMs).toISOString();
    // Each text index lookup is ANDed with the searcher's rooms' rows (message_search_room,
    // migration 0020) before any row is read: a substring's trigrams matched tens of thousands of
    // messages in 1M, of which a twentieth were in the searcher's 50 rooms.
    const inRooms = sql<boolean>`s.room_id = any(array(${rooms}))`;
    return {
      bodyContains: (text) => {
        if (codePoints(text) >= TRIGRAM_MIN) return sql<boolean>`(${inRooms} and s.body like ${`%${escapeLike(text)}%`} escape '\\')`;
        // 1–2 characters, none ASCII (CJK): their grams are indexed, exactly (see search_grams).
        if (GRAMMED.test(text)) return sql<boolean>`(${inRooms} and s.grams @> array[${text}]::text[])`;
        // Other short texts give pg_trgm no trigram to look up (a scan of the whole index): strpos over the searcher's rooms instead.
        return sql<boolean>`strpos(s.body, ${text}) > 0`;
      },
      stemMatch: (tokens) => sql<boolean>`(${inRooms} and s.stems @@ phraseto_tsquery('english', ${tokens}))`,
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

  async indexByRoom(db) {
    // Every one and two characters of each run of non-ASCII characters (CJK, other scripts): a
    // 1–2-character text has no trigram, and these find it exactly. ASCII text has none (null):
    // a short ASCII text is still matched by a scan of the searcher's rooms. Stored, not an index
    // expression: a row the index finds is checked again against the column, not by calling the
    // function (some 50 µs a row). The column calls it only for a text that has non-ASCII (a
    // regular expression: 1 µs a row against 40 under load for the call, on a send's ASCII text).
    await sql`create function search_grams(body text) returns text[] language sql immutable strict parallel safe as $$
      select coalesce(array_agg(distinct substr(t.run, i, n)), '{}'::text[])
      from (select r.m[1] as run from regexp_matches(body, '[^\\x01-\\x7f]+', 'g') as r(m)) t,
        generate_series(1, char_length(t.run)) as i, (values (1), (2)) as v(n)
      where i + n - 1 <= char_length(t.run)
    $$`.execute(db);
    // The rows are copied into a table that has their rooms and grams (an update of every row
    // would have left the table and its indexes twice their size, and rewritten every GIN entry),
    // and the indexes are built once, after.
    await sql`drop index message_search_stems, message_search_trigram`.execute(db);
    await sql`alter table message_search rename to message_search_old`.execute(db);
    await sql`alter index message_search_pkey rename to message_search_old_pkey`.execute(db);
    await sql`alter table message_search_old rename constraint message_search_message_id_fkey to message_search_old_message_id_fkey`.execute(
      db,
    );
    await sql`create table message_search (
      message_id uuid primary key references messages(id) on delete cascade,
      room_id uuid not null,
      body text not null,
      words text not null,
      stems tsvector generated always as (to_tsvector('english', words)) stored,
      grams text[] generated always as (case when body ~ '[^\\x01-\\x7f]' then nullif(search_grams(body), '{}'::text[]) end) stored
    )`.execute(db);
    await sql`insert into message_search (message_id, room_id, body, words)
      select o.message_id, m.room_id, o.body, o.words from message_search_old o join messages m on m.id = o.message_id`.execute(db);
    await sql`drop table message_search_old`.execute(db);
    // A message never changes rooms: its room is copied once, when its search row is written (by
    // the send's transaction, or a rebuild), by a trigger, so that the code that writes the rows
    // is the same on both databases.
    await sql`create function message_search_room() returns trigger language plpgsql as $$
      begin
        select m.room_id into new.room_id from messages m where m.id = new.message_id;
        return new;
      end $$`.execute(db);
    await sql`create trigger message_search_room before insert on message_search
      for each row execute function message_search_room()`.execute(db);
    await sql`create index message_search_stems on message_search using gin (stems)`.execute(db);
    await sql`create index message_search_trigram on message_search using gin (body gin_trgm_ops)`.execute(db);
    await sql`create index message_search_grams on message_search using gin (grams)`.execute(db);
    // The searcher's rooms' rows, as a bitmap the planner ANDs with a text index's.
    await sql`create index message_search_room on message_search (room_id)`.execute(db);
    await sql`analyze message_search`.execute(db);
  },

  async reindex(db) {
    await sql`reindex table message_search`.execute(db);
  },
};
