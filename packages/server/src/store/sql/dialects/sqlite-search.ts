import type Database from 'better-sqlite3';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { DomainError } from '../../../domain/errors.ts';
import type { DB } from '../schema.ts';
import { DEADLINE_MARKER, TRIGRAM_MIN, codePoints, type PrepareInput, type SearchFragments, type SearchSql } from '../search/search-sql.ts';

/** An FTS5 string literal: the text as one phrase (one token of the trigram index, tokens in order in the word index). */
const ftsPhrase = (text: string): string => `"${text.replaceAll('"', '""')}"`;

/**
 * The deadline check as a SQL function: better-sqlite3 has no progress handler or interrupt, and a
 * statement runs on the event loop's thread, so a scan that went on would stall the server. The
 * search query calls it for each row it scans (and in each FTS subquery); past the deadline it
 * throws, which ends the statement. The deadline is an argument, so concurrent searches need no state.
 */
export function registerSearchFunctions(conn: Database.Database): void {
  conn.function('rooms_search_deadline', { deterministic: false }, (deadlineMs: unknown) => {
    if (Date.now() > Number(deadlineMs)) throw new Error(`${DEADLINE_MARKER}: the search ran out of time`);
    return 1;
  });
}

/** Stems looked up in the word index only when they match at most this many messages: more, and the substring already finds nearly all of them. */
const STEM_SET_MAX = 2000;
/** The deadline is checked on one row in this many (a power of two). */
const DEADLINE_EVERY = 128;
/**
 * How the planner reads the trigram index, tunable by tests:
 * - candidatesMax: a term drives the whole query through the index when its candidates in the
 *   searcher's rooms are at most this many: each costs a few microseconds (its rows read, the text
 *   checked, scored, sorted), where the newest-first scan finds a common term's page in its first
 *   few thousand rows;
 * - broadShare, broadMax: more candidates than that, but at most this share of the rooms' messages
 *   (and broadMax): they count the hits past the newest messages (SearchFragments.broadCandidates),
 *   at a few index seeks each where a scan reads every message the window left out;
 * - perRoomMax, globalMax: a searcher in at most perRoomMax rooms has each room's range of the
 *   index read on its own (one FTS5 query a room, each a few seeks per segment of the index), unless
 *   the term matches at most globalMax rows in every room: then, as for a searcher in more rooms,
 *   the index is read once, across every room, and its rows are kept by their room's number.
 */
export const trigramPlan = { candidatesMax: 4000, broadShare: 0.25, broadMax: 20_000, perRoomMax: 100, globalMax: 20_000 };
/** Trigrams of a term given to the index at most (spread over the term): each more costs its doclist in each room, and instr checks the rest. */
const TRIGRAMS_MAX = 3;
/**
 * A 1–2-character text has no trigram of its own: its candidates are the messages that hold a
 * trigram it begins (the index holds each text with a space after it, so every occurrence has
 * one). They are listed from the index's vocabulary, which reads each one's messages in every
 * room: only when the text is not common, as a sample of the newest messages says (at most this
 * share of them), and never more than PREFIX_TERMS_MAX trigrams.
 */
const PREFIX_SAMPLE = 2000;
const PREFIX_SAMPLE_SHARE = 0.02;
const PREFIX_TERMS_MAX = 64;
/** A room's rows in the trigram index: its number times this, plus the message's seq. */
export const ROOM_KEY = 4294967296;

interface Plan {
  /** The term the query starts from through the trigram index (its candidates in the searcher's rooms). */
  driver: { text: string; match: string | null } | undefined;
  /** Whether the driver's candidates are few enough to be the whole query, or only to count past the newest messages. */
  broad: boolean;
  /** Whether the driver's candidates are read a room at a time (see trigramPlan.perRoomMax). */
  perRoom: boolean;
  /** The stems looked up in the word index (uncommon enough). */
  stems: Set<string>;
}

const trigramsOf = (text: string): string[] => {
  const cps = [...text];
  const out = new Set<string>();
  for (let i = 0; i + TRIGRAM_MIN <= cps.length; i++) out.add(cps.slice(i, i + TRIGRAM_MIN).join(''));
  return [...out];
};

/** At most `n` of `xs`, spread from the first to the last. */
const spread = <T>(xs: T[], n: number): T[] =>
  xs.length <= n ? xs : Array.from({ length: n }, (_x, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);

/**
 * The rowids of the trigram index that match `match` in the searcher's rooms: one range of the
 * index per room (its number × ROOM_KEY …), read by FTS5 alone (CROSS JOIN: the rooms first), or
 * for a searcher in many rooms, the whole index's matches of their rooms.
 */
const inRooms = (scope: RawBuilder<unknown>, match: string | null, deadlineMs: number, perRoom: boolean): RawBuilder<unknown> => {
  if (match === null) return sql`select null as k where 0 = 1`;
  const inTime = sql`((t.rowid & ${sql.lit(DEADLINE_EVERY - 1)}) <> 0 or rooms_search_deadline(${deadlineMs}))`;
  return perRoom
    ? sql`select t.rowid as k from message_search_rooms r cross join message_search_trigram t
      where r.room_id in (${scope}) and t.rowid >= r.ordinal * ${sql.lit(ROOM_KEY)} and t.rowid < (r.ordinal + 1) * ${sql.lit(ROOM_KEY)}
        and message_search_trigram match ${match} and ${inTime}`
    : sql`select t.rowid as k from message_search_trigram t
      where message_search_trigram match ${match}
        and t.rowid / ${sql.lit(ROOM_KEY)} in (select r.ordinal from message_search_rooms r where r.room_id in (${scope})) and ${inTime}`;
};

/**
 * The FTS5 query a text's candidates are found by; null when no message can hold it (no trigram
 * begins with it), undefined when it has none worth reading (see PREFIX_SAMPLE).
 */
async function matchOf(db: Kysely<DB>, text: string): Promise<string | null | undefined> {
  if (codePoints(text) >= TRIGRAM_MIN) return spread(trigramsOf(text), TRIGRAMS_MAX).map(ftsPhrase).join(' ');
  if (codePoints(text) < 2) return undefined;
  // Counted against the sample's full size: a small index is cheap to list from, however common the text.
  const sample = await sql<{ hits: number }>`select count(*) as hits from (
      select body from message_search order by id desc limit ${PREFIX_SAMPLE}) x where instr(x.body, ${text}) > 0`.execute(db);
  if (Number(sample.rows[0]?.hits ?? 0) > PREFIX_SAMPLE * PREFIX_SAMPLE_SHARE) return undefined;
  const terms = await sql<{ term: string }>`select term from message_search_trigram_vocab
      where term >= ${text} and term <= ${text} || char(1114111) limit ${PREFIX_TERMS_MAX + 1}`.execute(db);
  if (terms.rows.length > PREFIX_TERMS_MAX) return undefined;
  return terms.rows.length === 0 ? null : terms.rows.map((r) => ftsPhrase(r.term)).join(' OR ');
}

/**
 * SQLite's planner cannot tell a rare term from a common one, so this looks first: how many
 * candidates each text has in the searcher's rooms (the trigram index keyed by room reads only
 * theirs, not those of every room as before 0019), counted no further than the broad bound. The
 * text with the fewest drives the whole query when they are at most trigramPlan.candidatesMax; up to the
 * broad bound, they count the hits past the newest messages (broadCandidates); more, and the query
 * scans the rooms, newest first, and checks the text per message.
 */
async function planQuery(db: Kysely<DB>, input: PrepareInput): Promise<Plan> {
  let driver: Plan['driver'];
  const rooms = await sql<{ n: number }>`select count(*) as n from (${input.scope}) sc`.execute(db);
  const fewRooms = Number(rooms.rows[0]?.n ?? 0) <= trigramPlan.perRoomMax;
  let perRoom = false;
  const broadMax = Math.min(trigramPlan.broadMax, Math.floor((await input.scopeSize()) * trigramPlan.broadShare));
  let fewest = Math.max(trigramPlan.candidatesMax, broadMax) + 1;
  for (const text of input.texts) {
    const match = await matchOf(db, text);
    if (match === undefined) continue;
    // A rare term's rows in every room cost less to read at once than a query per room.
    const each =
      fewRooms &&
      match !== null &&
      (await boundedCount(
        db,
        sql`select rowid from message_search_trigram where message_search_trigram match ${match}`,
        trigramPlan.globalMax + 1,
      )) > trigramPlan.globalMax;
    const n = await boundedCount(db, inRooms(input.scope, match, input.deadlineMs, each), fewest);
    if (n < fewest) {
      fewest = n;
      driver = { text, match };
      perRoom = each;
    }
  }
  const broad = fewest > trigramPlan.candidatesMax;
  if (broad && fewest > broadMax) driver = undefined;
  const stems = new Set<string>();
  for (const tokens of input.stems) {
    const words = sql`select rowid from message_search_words where message_search_words match ${ftsPhrase(tokens)}`;
    if ((await boundedCount(db, words, STEM_SET_MAX + 1)) <= STEM_SET_MAX) stems.add(tokens);
  }
  return { driver, broad, perRoom, stems };
}

/** How many rows a query yields, counting no further than `limit`. */
async function boundedCount(db: Kysely<DB>, rows: RawBuilder<unknown>, limit: number): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from (${rows} limit ${limit}) x`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * Every row the driving term can match: its trigram candidates in the searcher's rooms and the
 * messages its stem matches (when the stem is looked up at all), as message_search ids. The query
 * reads these first (CROSS JOIN fixes the order): SQLite's planner cannot tell that they are few.
 */
function candidatesOf(plan: Plan, input: PrepareInput, stem: string | undefined, inTime: RawBuilder<boolean>): RawBuilder<unknown> {
  const parts = [
    // A key is its room's number and the message's seq (no index of the keys since 0021: see unindexTrigramKeys).
    sql`select s.id from (${inRooms(input.scope, plan.driver!.match, input.deadlineMs, plan.perRoom)}) c
      cross join message_search_rooms r on r.ordinal = c.k / ${sql.lit(ROOM_KEY)}
      cross join messages m on m.room_id = r.room_id and m.seq = c.k % ${sql.lit(ROOM_KEY)}
      cross join message_search s on s.message_id = m.id`,
  ];
  if (stem !== undefined && plan.stems.has(stem))
    parts.push(sql`select rowid as id from message_search_words where message_search_words match ${ftsPhrase(stem)} and ${inTime}`);
  return sql.join(parts, sql` union `);
}

const tooBroad = () =>
  new DomainError('query_too_broad', 'This search would take too long: add a longer word, a from:, in: or date filter.');

/**
 * SQLite: a table of each message's search form (message_search) is the external content of two
 * FTS5 indexes, kept in step by triggers on it: message_search_words (porter over unicode61 with
 * diacritics removed: stemmed words) and message_search_trigram (trigrams: substrings, CJK).
 */
export const sqliteSearch: SearchSql = {
  // A scan of the searcher's rooms reads every message; a common term's page is among the newest.
  newestFirst: 'rest',

  async prepare(db, input): Promise<SearchFragments> {
    // The clock is read on one row in DEADLINE_EVERY (by its id): a call into JavaScript for every
    // row scanned was a large share of a scan's cost, and 128 rows take well under a millisecond.
    const every = DEADLINE_EVERY - 1;
    const inTimeFts = sql<boolean>`((rowid & ${sql.lit(every)}) <> 0 or rooms_search_deadline(${input.deadlineMs}))`;
    const inTimeRow = sql<boolean>`((s.id & ${sql.lit(every)}) <> 0 or rooms_search_deadline(${input.deadlineMs}))`;
    const plan = await planQuery(db, input);
    return {
      // The text itself decides; the index only finds the candidates (see candidates).
      bodyContains: (text) => sql<boolean>`instr(s.body, ${text}) > 0`,
      stemMatch: (tokens) =>
        plan.stems.has(tokens)
          ? sql<boolean>`s.id in (select rowid from message_search_words where message_search_words match ${ftsPhrase(tokens)} and ${inTimeFts})`
          : sql<boolean>`0 = 1`,
      contains: (column, text) => sql<boolean>`instr(${column}, ${text}) > 0`,
      inTime: () => inTimeRow,
      ...(plan.driver && {
        [plan.broad ? 'broadCandidates' : 'candidates']: candidatesOf(plan, input, input.stemOf.get(plan.driver.text), inTimeFts),
      }),
    };
  },

  async withBudget(db, budgetMs, fn) {
    // The statement looks at the clock only every DEADLINE_EVERY rows: a budget already spent ends here.
    if (budgetMs <= 0) throw tooBroad();
    try {
      return await fn(db);
    } catch (err) {
      if (err instanceof Error && err.message.includes(DEADLINE_MARKER)) throw tooBroad();
      throw err;
    }
  },

  async createIndex(db: Kysely<unknown>, fill) {
    await sql`create table message_search (
      id integer primary key,
      message_id text not null unique references messages(id) on delete cascade,
      body text not null,
      words text not null
    )`.execute(db);
    // Rows first, indexes after: building an FTS index in one pass is much faster than row by row.
    await fill();
    // No column sizes (they serve bm25, which is not used: see search-messages.ts), and no positions
    // in the trigram index: it is asked for a few trigrams in any order, instr checks the text.
    // Both make every send's index write cheaper and the index smaller.
    await sql`create virtual table message_search_words using fts5(words, content='message_search', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', columnsize=0)`.execute(
      db,
    );
    await sql`create virtual table message_search_trigram using fts5(body, content='message_search', content_rowid='id', tokenize='trigram', detail=none, columnsize=0)`.execute(
      db,
    );
    // How many messages hold each trigram (the planner above counts its candidates instead: fts5vocab reads whole doclists).
    await sql`create virtual table message_search_trigram_vocab using fts5vocab(message_search_trigram, 'row')`.execute(db);
    await rebuild(db);
    await indexOnWrite(db);
  },

  async reindex(db) {
    // The word index from message_search; the trigram index (contentless since 0019) from its rows' keys and text.
    await sql`insert into message_search_words(message_search_words) values ('rebuild')`.execute(db);
    await sql`insert into message_search_trigram(message_search_trigram) values ('delete-all')`.execute(db);
    await sql
      .raw(`insert into message_search_trigram(rowid, body) select key, ${INDEXED_BODY('body')} from message_search where key is not null`)
      .execute(db);
    // A rebuild leaves many segments (FTS5 merges nothing by itself since 0022): one each, as a repair should.
    await sql`insert into message_search_words(message_search_words) values ('optimize')`.execute(db);
    await sql`insert into message_search_trigram(message_search_trigram) values ('optimize')`.execute(db);
  },

  async batchIndexWrites(db) {
    await sql`create table message_search_pending (id integer primary key)`.execute(db);
    for (const t of ['ai', 'ad', 'au']) await sql`drop trigger ${sql.raw(`message_search_${t}`)}`.execute(db);
    // A new row waits to be indexed; a row that is still waiting is not in the indexes, so its
    // update or delete must not be told to them (an FTS5 'delete' of a row it does not hold
    // corrupts an external-content index): the flush reads the row as it is then.
    await sql`create trigger message_search_ai after insert on message_search begin
      insert into message_search_pending(id) values (new.id);
    end`.execute(db);
    const indexed = sql.raw('not exists (select 1 from message_search_pending where id = old.id)');
    await sql`create trigger message_search_ad after delete on message_search begin
      insert into message_search_words(message_search_words, rowid, words) select 'delete', old.id, old.words where ${indexed};
      insert into message_search_trigram(message_search_trigram, rowid, body) select 'delete', old.id, old.body where ${indexed};
      delete from message_search_pending where id = old.id;
    end`.execute(db);
    await sql`create trigger message_search_au after update on message_search begin
      insert into message_search_words(message_search_words, rowid, words) select 'delete', old.id, old.words where ${indexed};
      insert into message_search_trigram(message_search_trigram, rowid, body) select 'delete', old.id, old.body where ${indexed};
      insert into message_search_words(rowid, words) select new.id, new.words where ${indexed};
      insert into message_search_trigram(rowid, body) select new.id, new.body where ${indexed};
    end`.execute(db);
  },

  async deferTrigramWrites(db) {
    await sql`create table message_search_trigram_pending (id integer primary key)`.execute(db);
    // What waits for the word index waits for the trigram index too (in the migration's own transaction: nothing does).
    await sql`insert into message_search_trigram_pending(id) select id from message_search_pending`.execute(db);
    for (const t of ['ai', 'ad', 'au']) await sql`drop trigger ${sql.raw(`message_search_${t}`)}`.execute(db);
    // Each index is told of an update or delete only for a row it holds (see batchIndexWrites).
    const inWords = sql.raw('not exists (select 1 from message_search_pending where id = old.id)');
    const inTrigrams = sql.raw('not exists (select 1 from message_search_trigram_pending where id = old.id)');
    await sql`create trigger message_search_ai after insert on message_search begin
      insert into message_search_pending(id) values (new.id);
      insert into message_search_trigram_pending(id) values (new.id);
    end`.execute(db);
    await sql`create trigger message_search_ad after delete on message_search begin
      insert into message_search_words(message_search_words, rowid, words) select 'delete', old.id, old.words where ${inWords};
      insert into message_search_trigram(message_search_trigram, rowid, body) select 'delete', old.id, old.body where ${inTrigrams};
      delete from message_search_pending where id = old.id;
      delete from message_search_trigram_pending where id = old.id;
    end`.execute(db);
    await sql`create trigger message_search_au after update on message_search begin
      insert into message_search_words(message_search_words, rowid, words) select 'delete', old.id, old.words where ${inWords};
      insert into message_search_words(rowid, words) select new.id, new.words where ${inWords};
      insert into message_search_trigram(message_search_trigram, rowid, body) select 'delete', old.id, old.body where ${inTrigrams};
      insert into message_search_trigram(rowid, body) select new.id, new.body where ${inTrigrams};
    end`.execute(db);
  },

  async indexLater(db) {
    // What still waits in the lists of 0015 and 0016 reaches the indexes now; the lists go.
    await sql.raw(indexFrom('words', 'message_search_pending')).execute(db);
    await sql.raw(indexFrom('trigram', 'message_search_trigram_pending')).execute(db);
    for (const t of ['ai', 'ad', 'au']) await sql`drop trigger ${sql.raw(`message_search_${t}`)}`.execute(db);
    await sql`drop table message_search_pending`.execute(db);
    await sql`drop table message_search_trigram_pending`.execute(db);
    // Rows are now written a batch at a time, off the send path (search-queue.ts): each write reaches both indexes at once.
    await indexOnWrite(db);
    await sql`create table message_search_queue (id integer primary key, message_id text not null)`.execute(db);
  },

  async trigramsByRoom(db, progress) {
    // Each room's number (never reused: a room's rows go with it, its number stays).
    await sql`create table message_search_rooms (ordinal integer primary key, room_id text not null unique)`.execute(db);
    await sql`insert into message_search_rooms(room_id) select id from rooms order by created_at, id`.execute(db);
    await sql`alter table message_search add column key integer`.execute(db);
    for (const t of ['ai', 'ad', 'au']) await sql`drop trigger ${sql.raw(`message_search_${t}`)}`.execute(db);
    await sql`drop table message_search_trigram_vocab`.execute(db);
    await sql`drop table message_search_trigram`.execute(db);
    const r = await sql<{ lo: number | null; hi: number | null }>`select min(id) as lo, max(id) as hi from message_search`.execute(db);
    const lo = Number(r.rows[0]?.lo ?? 0);
    const hi = Number(r.rows[0]?.hi ?? -1);
    const STEP = 100_000;
    for (let from = lo; from <= hi; from += STEP) {
      await sql`update message_search set key = ${sql.raw(KEY_OF('message_search.message_id'))} where id >= ${from} and id < ${from + STEP}`.execute(
        db,
      );
      progress(`keyed ${Math.min(hi, from + STEP - 1) - lo + 1}/${hi - lo + 1} search rows by room`);
    }
    await sql`create unique index message_search_key on message_search(key)`.execute(db);
    await createKeyedTrigramIndex(db);
    for (let from = lo; from <= hi; from += STEP) {
      await sql
        .raw(
          `insert into message_search_trigram(rowid, body) select key, ${INDEXED_BODY('body')} from message_search where id >= ${from} and id < ${from + STEP} and key is not null`,
        )
        .execute(db);
      progress(`indexed the trigrams of ${Math.min(hi, from + STEP - 1) - lo + 1}/${hi - lo + 1} search rows`);
    }
    await indexOnWriteByRoom(db);
  },

  async unindexTrigramKeys(db) {
    await sql`drop index message_search_key`.execute(db);
  },

  async mergeInSteps(db) {
    // A setting of each index, kept in its %_config table (the search queue's merge steps: search-queue.ts).
    await sql`insert into message_search_words(message_search_words, rank) values ('automerge', 0)`.execute(db);
    await sql`insert into message_search_trigram(message_search_trigram, rank) values ('automerge', 0)`.execute(db);
  },
};

/** A message's key in the trigram index: its room's number × ROOM_KEY + its seq (SQL, over a message id). */
const KEY_OF = (messageId: string): string =>
  `(select r.ordinal * ${ROOM_KEY} + m.seq from messages m join message_search_rooms r on r.room_id = m.room_id where m.id = ${messageId})`;
/**
 * What the trigram index holds of a body: the text and a space, so that every occurrence of a
 * 1–2-character text, even at the end, begins a trigram (see matchOf).
 */
const INDEXED_BODY = (body: string): string => `${body} || ' '`;

/**
 * The trigram index since 0019: contentless (its rows are keyed by room, not by message_search's
 * id; the triggers give a removed row's text back to it), exact case (the text is in search form
 * already, and its vocabulary's terms must compare with it as they are), no positions.
 */
async function createKeyedTrigramIndex(db: Kysely<unknown>): Promise<void> {
  await sql`create virtual table message_search_trigram using fts5(body, content='', tokenize='trigram case_sensitive 1', detail=none, columnsize=0)`.execute(
    db,
  );
  await sql`create virtual table message_search_trigram_vocab using fts5vocab(message_search_trigram, 'row')`.execute(db);
}

/**
 * The triggers since 0019: a new search row without a key gets one (its room numbered first if
 * new; the search queue's batches key their rows themselves, in key order), and
 * every write reaches both indexes in its transaction (the search queue's batch, for a new message).
 */
async function indexOnWriteByRoom(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `create trigger message_search_ai after insert on message_search begin
      insert or ignore into message_search_rooms(room_id) select room_id from messages where id = new.message_id and new.key is null;
      update message_search set key = ${KEY_OF('new.message_id')} where id = new.id and new.key is null;
      insert into message_search_words(rowid, words) values (new.id, new.words);
      insert into message_search_trigram(rowid, body) select key, ${INDEXED_BODY('body')} from message_search where id = new.id;
    end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger message_search_ad after delete on message_search begin
      insert into message_search_words(message_search_words, rowid, words) values ('delete', old.id, old.words);
      insert into message_search_trigram(message_search_trigram, rowid, body) select 'delete', old.key, ${INDEXED_BODY('old.body')} where old.key is not null;
    end`,
    )
    .execute(db);
  // Only a change of the text: setting a new row's key (above) is no change of the indexes.
  await sql
    .raw(
      `create trigger message_search_au after update of body, words on message_search begin
      insert into message_search_words(message_search_words, rowid, words) values ('delete', old.id, old.words);
      insert into message_search_words(rowid, words) values (new.id, new.words);
      insert into message_search_trigram(message_search_trigram, rowid, body) select 'delete', old.key, ${INDEXED_BODY('old.body')} where old.key is not null;
      insert into message_search_trigram(rowid, body) select new.key, ${INDEXED_BODY('new.body')} where new.key is not null;
    end`,
    )
    .execute(db);
}

/** The FTS5 external-content triggers: every write to message_search reaches both indexes in its transaction. */
async function indexOnWrite(db: Kysely<unknown>): Promise<void> {
  await sql`create trigger message_search_ai after insert on message_search begin
      insert into message_search_words(rowid, words) values (new.id, new.words);
      insert into message_search_trigram(rowid, body) values (new.id, new.body);
    end`.execute(db);
  await sql`create trigger message_search_ad after delete on message_search begin
      insert into message_search_words(message_search_words, rowid, words) values ('delete', old.id, old.words);
      insert into message_search_trigram(message_search_trigram, rowid, body) values ('delete', old.id, old.body);
    end`.execute(db);
  await sql`create trigger message_search_au after update on message_search begin
      insert into message_search_words(message_search_words, rowid, words) values ('delete', old.id, old.words);
      insert into message_search_trigram(message_search_trigram, rowid, body) values ('delete', old.id, old.body);
      insert into message_search_words(rowid, words) values (new.id, new.words);
      insert into message_search_trigram(rowid, body) values (new.id, new.body);
    end`.execute(db);
}

/** The FTS5 indexes rebuilt from message_search, every row. */
async function rebuild(db: Kysely<unknown> | Kysely<DB>): Promise<void> {
  await sql`insert into message_search_words(message_search_words) values ('rebuild')`.execute(db);
  await sql`insert into message_search_trigram(message_search_trigram) values ('rebuild')`.execute(db);
}

/** One index's rows from a pending list of 0015/0016: the rows as they are now. */
const indexFrom = (index: 'words' | 'trigram', pending: string): string =>
  `insert into message_search_${index}(rowid, ${index === 'words' ? 'words' : 'body'}) select s.id, s.${index === 'words' ? 'words' : 'body'} from ${pending} p join message_search s on s.id = p.id`;
