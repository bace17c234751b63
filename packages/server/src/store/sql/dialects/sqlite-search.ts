import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { DomainError } from '../../../domain/errors.ts';
import type { DB } from '../schema.ts';
import { DEADLINE_MARKER, TRIGRAM_MIN, codePoints, type SearchFragments, type SearchSql } from '../search/search-sql.ts';

/** An FTS5 string literal: the text as one phrase (a trigram phrase is a substring match). */
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

const tooBroad = () => new DomainError('query_too_broad', 'This search would take too long: add a longer word, a from:, in: or date filter.');

/**
 * SQLite: a table of each message's search form (message_search) is the external content of two
 * FTS5 indexes, kept in step by triggers on it: message_search_words (porter over unicode61 with
 * diacritics removed: stemmed words) and message_search_trigram (trigrams: substrings, CJK).
 */
export const sqliteSearch: SearchSql = {
  fragments(deadlineMs: number): SearchFragments {
    const inTime = sql<boolean>`rooms_search_deadline(${deadlineMs})`;
    return {
      bodyContains: (text) =>
        codePoints(text) >= TRIGRAM_MIN
          ? sql<boolean>`s.id in (select rowid from message_search_trigram where message_search_trigram match ${ftsPhrase(text)} and ${inTime})`
          : sql<boolean>`instr(s.body, ${text}) > 0`,
      stemMatch: (tokens) => sql<boolean>`s.id in (select rowid from message_search_words where message_search_words match ${ftsPhrase(tokens)} and ${inTime})`,
      contains: (column, text) => sql<boolean>`instr(${column}, ${text}) > 0`,
      inTime: () => inTime,
    };
  },

  async withBudget(db, _budgetMs, fn) {
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
    await sql`create virtual table message_search_words using fts5(words, content='message_search', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')`.execute(db);
    await sql`create virtual table message_search_trigram using fts5(body, content='message_search', content_rowid='id', tokenize='trigram')`.execute(db);
    await sqliteSearch.reindex(db as Kysely<DB>);
    // The FTS5 external-content triggers: every write to message_search (in the message's own transaction) reaches both indexes.
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
  },

  async reindex(db) {
    await sql`insert into message_search_words(message_search_words) values ('rebuild')`.execute(db);
    await sql`insert into message_search_trigram(message_search_trigram) values ('rebuild')`.execute(db);
  },
};
