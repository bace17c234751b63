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
/** Trigrams of the driving term given to the index (the rarest ones): each more costs its doclist, and instr checks the rest. */
const DRIVER_TRIGRAMS = 2;

interface Plan {
  /** The term the query starts from through the trigram index, when that reads fewer rows than a scan of the searcher's rooms. */
  driver: { text: string; match: string } | undefined;
  /** The stems looked up in the word index (uncommon enough). */
  stems: Set<string>;
}

const trigramsOf = (text: string): string[] => {
  const cps = [...text];
  const out = new Set<string>();
  for (let i = 0; i + TRIGRAM_MIN <= cps.length; i++) out.add(cps.slice(i, i + TRIGRAM_MIN).join(''));
  return [...out];
};

/**
 * SQLite's planner cannot tell a rare word from a common one: it started every query from the
 * trigram index, and a common word ("the") read most of the index, across every room, before the
 * rooms of the searcher were looked at (half a second at 60k messages). So this looks first: how
 * many messages the searcher's rooms hold, and how many messages hold each trigram, counted no
 * further than that. The rarest term drives through its two rarest trigrams when they yield
 * no more messages than the rooms hold (a count that stops there); otherwise the query scans the
 * rooms and checks the text per message.
 */
async function planQuery(db: Kysely<DB>, input: PrepareInput): Promise<Plan> {
  let scope: number | undefined;
  const scopeSize = async (): Promise<number> => (scope ??= await input.scopeSize());
  let best: { text: string; est: number; trigrams: string[] } | undefined;
  for (const text of input.texts) {
    if (codePoints(text) < TRIGRAM_MIN) continue;
    // Each trigram's messages counted no further than a scan would read: fts5vocab's `doc` reads a
    // term's whole doclist, 15–30 ms for a common trigram at a million messages (four of them were
    // a phrase's first 90 ms), where a count that stops at the scope's size takes 2.
    // Only the two rarest are used: past the second rarest so far, a count stops there too.
    const counted: { t: string; doc: number }[] = [];
    for (const t of trigramsOf(text)) {
      const cap = Math.min(await scopeSize(), counted[DRIVER_TRIGRAMS - 1]?.doc ?? Infinity) + 1;
      counted.push({ t, doc: await boundedCount(db, 'message_search_trigram', ftsPhrase(t), cap) });
      counted.sort((a, b) => a.doc - b.doc);
    }
    const est = counted[0]?.doc ?? 0;
    if (!best || est < best.est) best = { text, est, trigrams: counted.slice(0, DRIVER_TRIGRAMS).map((c) => c.t) };
  }
  let driver: Plan['driver'];
  if (best !== undefined) {
    const match = best.trigrams.map(ftsPhrase).join(' ');
    // The rarest trigram alone may be common while the two together are rare (the trigrams of one
    // word are far from independent, so no estimate from the counts held): count the candidates,
    // stopping as soon as there are more than a scan would read.
    const rooms = await scopeSize();
    const yields = best.est <= rooms ? best.est : await boundedCount(db, 'message_search_trigram', match, rooms + 1);
    if (yields <= rooms) driver = { text: best.text, match };
  }
  const stems = new Set<string>();
  for (const tokens of input.stems) {
    if ((await boundedCount(db, 'message_search_words', ftsPhrase(tokens), STEM_SET_MAX + 1)) <= STEM_SET_MAX) stems.add(tokens);
  }
  return { driver, stems };
}

/** How many messages an FTS query matches, counting no further than `limit`. */
async function boundedCount(
  db: Kysely<DB>,
  table: 'message_search_trigram' | 'message_search_words',
  match: string,
  limit: number,
): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*) as n from (select rowid from ${sql.table(table)} where ${sql.table(table)} match ${match} limit ${limit})`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * Every row the driving term can match: its trigram candidates and the messages its stem matches
 * (when the stem is looked up at all). The query reads these first
 * (CROSS JOIN fixes the order): SQLite's planner cannot tell that they are few, and given a
 * choice it read every message of the searcher's rooms and checked each against them, which
 * took a second at a million messages for a word found seven times.
 */
function candidatesOf(plan: Plan, stem: string | undefined, inTime: RawBuilder<boolean>): RawBuilder<unknown> {
  const parts = [
    sql`select rowid as id from message_search_trigram where message_search_trigram match ${plan.driver!.match} and ${inTime}`,
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
    const inTime = inTimeFts;
    const plan = await planQuery(db, input);
    return {
      bodyContains: (text) => {
        const scan = sql<boolean>`instr(s.body, ${text}) > 0`;
        if (text !== plan.driver?.text) return scan;
        // The driver: candidates from the index by its rarest trigrams (any order), each checked for the whole text.
        return sql<boolean>`(s.id in (select rowid from message_search_trigram where message_search_trigram match ${plan.driver.match} and ${inTime}) and ${scan})`;
      },
      stemMatch: (tokens) =>
        plan.stems.has(tokens)
          ? sql<boolean>`s.id in (select rowid from message_search_words where message_search_words match ${ftsPhrase(tokens)} and ${inTime})`
          : sql<boolean>`0 = 1`,
      contains: (column, text) => sql<boolean>`instr(${column}, ${text}) > 0`,
      inTime: () => inTimeRow,
      candidates: plan.driver && candidatesOf(plan, input.stemOf.get(plan.driver.text), inTime),
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
    await rebuild(db);
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
};

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
