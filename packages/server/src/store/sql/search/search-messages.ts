import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { DomainError } from '../../../domain/errors.ts';
import type { SearchQuery } from '../../../domain/search-query.ts';
import { decodeKey, encodeKey } from '../../cursor.ts';
import { SEARCH_TOTAL_EXACT_MAX, type MessageSearchOptions, type MessageSearchPage } from '../../search-types.ts';
import { toMessage } from '../repositories/mappers.ts';
import type { DB, MessagesTable } from '../schema.ts';
import { searchBody, searchWordTokens } from '../../../domain/search-document.ts';
import type { SearchFragments, SearchSql } from './search-sql.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HAS_WORD_CHARS = /[\p{L}\p{N}]/u;
const and = (parts: RawBuilder<unknown>[]): RawBuilder<boolean> =>
  parts.length === 0 ? sql<boolean>`1 = 1` : sql<boolean>`${sql.join(parts, sql` and `)}`;
const or = (parts: RawBuilder<unknown>[]): RawBuilder<boolean> => sql<boolean>`(${sql.join(parts, sql` or `)})`;

/**
 * A word matches where its text appears in the message (`deploy` in `redeployment`, `東京` in
 * `東京タワー`), or where the word index finds its stem (`running` → `runs`).
 */
function wordMatches(f: SearchFragments, word: string): RawBuilder<boolean> {
  const body = searchBody(word);
  const tokens = searchWordTokens(word);
  const substring = f.bodyContains(body);
  return HAS_WORD_CHARS.test(tokens) ? or([substring, f.stemMatch(tokens)]) : substring;
}

/** The rooms searched, as a subquery of ids: the searcher's memberships now (left, removed or banned: gone), narrowed by room_id and in:. */
function roomScope(userId: string, q: SearchQuery, roomId: string | undefined): RawBuilder<unknown> {
  const conds: RawBuilder<unknown>[] = [sql`mb.user_id = ${userId}`];
  if (roomId !== undefined) conds.push(sql`mb.room_id = ${roomId}`);
  if (q.in.length > 0) {
    // An id is compared as an id only when it looks like one (PostgreSQL refuses a malformed uuid).
    const named = q.in.map((v) =>
      UUID.test(v) ? sql`(r.id = ${v.toLowerCase()} or r.name_lower = ${v.toLowerCase()})` : sql`r.name_lower = ${v.toLowerCase()}`,
    );
    conds.push(sql`mb.room_id in (select r.id from rooms r where ${or(named)})`);
  }
  return sql`select mb.room_id from memberships mb where ${and(conds)}`;
}

/** Everything but the text terms: sender, mentions, dates, attachments, links, threads, pins. */
function filters(f: SearchFragments, userId: string, q: SearchQuery): RawBuilder<unknown>[] {
  const c: RawBuilder<unknown>[] = [];
  if (q.from.length > 0) {
    const usernames = q.from.flatMap((x) => (x === 'me' ? [] : [x.username]));
    const senders: RawBuilder<unknown>[] = [];
    if (q.from.includes('me')) senders.push(sql`m.sender_id = ${userId}`);
    if (usernames.length > 0) senders.push(sql`m.sender_id in (select u.id from users u where u.username in (${sql.join(usernames)}))`);
    c.push(or(senders));
  }
  if (q.mentionsMe) c.push(or([sql`m.mentions_room = 1`, f.contains(sql.ref('m.mentions'), JSON.stringify(userId))]));
  if (q.createdFrom !== undefined) c.push(sql`m.created_at >= ${q.createdFrom}`);
  if (q.createdBefore !== undefined) c.push(sql`m.created_at < ${q.createdBefore}`);
  for (const has of q.has) {
    if (has === 'attachment') c.push(sql`exists (select 1 from attachments a where a.message_id = m.id)`);
    if (has === 'image') c.push(sql`exists (select 1 from attachments a where a.message_id = m.id and a.kind = 'image')`);
    if (has === 'file') c.push(sql`exists (select 1 from attachments a where a.message_id = m.id and a.kind <> 'image')`);
    if (has === 'link') c.push(or(['http://', 'https://', 'www.'].map((p) => f.contains(sql.ref('s.body'), p))));
  }
  if (q.isThread) c.push(sql`m.parent_id is not null`);
  if (q.isPinned) c.push(sql`exists (select 1 from pins p where p.message_id = m.id)`);
  return c;
}

/**
 * The relevance of a hit, an integer that depends on the message and the query only — never on
 * the rest of the corpus, as bm25's idf does — so that a page's cursor stays valid while messages
 * arrive, and both databases rank alike. Each word counts 3 as a whole word, 2 as a word's start,
 * 1 inside a word (or by its stem); the words side by side, in order, add 4 (a phrase above
 * scattered words). Recency breaks ties.
 */
function relevance(f: SearchFragments, q: SearchQuery): RawBuilder<number> {
  const words = sql.ref('s.words');
  const parts: RawBuilder<unknown>[] = q.words.map((w) => {
    const t = searchWordTokens(w);
    return sql`(case when ${f.contains(words, ` ${t} `)} then 3 when ${f.contains(words, ` ${t}`)} then 2 else 1 end)`;
  });
  if (q.words.length >= 2)
    parts.push(sql`(case when ${f.contains(sql.ref('s.body'), q.words.map(searchBody).join(' '))} then 4 else 0 end)`);
  return parts.length === 0 ? sql<number>`0` : sql<number>`(${sql.join(parts, sql` + `)})`;
}

/** The cursor: the last hit's sort key (score, created_at, id). */
const encodeCursor = (score: number, at: string, id: string): string => encodeKey([String(score), at, id]);
function decodeCursor(cursor: string | undefined): { score: number; at: string; id: string } | undefined {
  const key = decodeKey(cursor, ['text', 'time', 'uuid'] as const);
  if (!key) return undefined;
  const [score, at, id] = key;
  if (!/^\d{1,6}$/.test(score) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at))
    throw new DomainError('invalid_cursor', 'The cursor is not valid: pass a next_cursor as given.');
  return { score: Number(score), at, id };
}

type HitRow = Selectable<MessagesTable> & { score: number | string; counted: number | string };

/** What every hit must contain, and must not: the query's words, phrases and exclusions. */
const textTerms = (f: SearchFragments, q: SearchQuery): RawBuilder<unknown>[] => [
  ...q.words.map((w) => wordMatches(f, w)),
  ...q.phrases.map((p) => f.bodyContains(searchBody(p))),
  ...[...q.excludeWords, ...q.excludePhrases].map((x) => sql`not ${f.contains(sql.ref('s.body'), searchBody(x))}`),
];

/** Compiles the query for the dialect and runs it under the time budget (see MessageRepository.search). */
export async function searchMessages(
  db: Kysely<DB>,
  search: SearchSql,
  userId: string,
  q: SearchQuery,
  opts: MessageSearchOptions,
): Promise<MessageSearchPage> {
  const after = decodeCursor(opts.cursor);
  const deadlineMs = Date.now() + opts.budgetMs;
  const scope = roomScope(userId, q, opts.roomId);
  const f = await search.prepare(db, {
    deadlineMs,
    texts: [...q.words, ...q.phrases].map(searchBody),
    stems: q.words.map(searchWordTokens).filter((t) => HAS_WORD_CHARS.test(t)),
    stemOf: new Map(q.words.map((w) => [searchBody(w), searchWordTokens(w)])),
    scopeSize: async () => {
      const r = await sql<{ n: number | string | null }>`select sum(rs.last_seq) as n from rooms rs where rs.id in (${scope})`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
    rooms: scope,
  });
  const matches = sql<boolean>`${f.inTime()}
        and m.room_id in (${scope})
        and m.deleted_at is null
        and ${and([...filters(f, userId, q), ...textTerms(f, q)])}`;
  const scored = opts.sort === 'relevance' && !q.filterOnly && q.words.length > 0;
  const score = scored ? relevance(f, q) : sql<number>`0`;
  const position = after
    ? sql`where h.score < ${after.score} or (h.score = ${after.score} and (h.created_at < ${after.at} or (h.created_at = ${after.at} and h.id < ${after.id})))`
    : sql``;
  // One pass over the matches: their sort keys only (not whole rows, as a window count over them
  // kept) are written once, then the page's best limit + 1 are joined to their messages, and the
  // count stops past its bound (SEARCH_TOTAL_EXACT_MAX): the text is checked once per message.
  const pageOf = (source: RawBuilder<unknown>) => sql<HitRow>`
    with hits as materialized (
      select m.id, m.created_at, ${score} as score
      from ${source}
      where ${matches}
    )
    select m.*, p.score, (select count(*) from (select 1 as one from hits limit ${SEARCH_TOTAL_EXACT_MAX + 1}) bounded) as counted
    from (
      select h.* from hits h
      ${position}
      order by h.score desc, h.created_at desc, h.id desc
      limit ${opts.limit + 1}
    ) p
    join messages m on m.id = p.id
    order by p.score desc, p.created_at desc, p.id desc`;
  // The same over a part of the rooms' messages (newestFirst), with its count on a row of its own
  // even when no hit is past the cursor (then the message's columns are null).
  const partOf = (source: RawBuilder<unknown>) => sql<HitRow>`
    with hits as materialized (
      select m.id, m.created_at, ${score} as score
      from ${source}
      where ${matches}
    ),
    page as (
      select h.* from hits h
      ${position}
      order by h.score desc, h.created_at desc, h.id desc
      limit ${opts.limit + 1}
    )
    select m.*, p.score, c.counted
    from (select count(*) as counted from (select 1 as one from hits limit ${SEARCH_TOTAL_EXACT_MAX + 1}) bounded) c
    left join page p on 1 = 1
    left join messages m on m.id = p.id
    order by p.score desc, p.created_at desc, p.id desc`;
  // The messages to check: a rare term's candidates first when the dialect has them (see SearchFragments.candidates).
  const source = f.candidates
    ? sql`(${f.candidates}) c cross join message_search s on s.id = c.id cross join messages m on m.id = s.message_id`
    : sql`messages m join message_search s on s.message_id = m.id`;
  // The best score a hit past the cursor can have: a page of hits that all have it, and are newer
  // than every message a window left out, is the page (see newestFirst).
  const words = q.words.length;
  const best = Math.min(scored ? 3 * words + (words >= 2 ? 4 : 0) : 0, after?.score ?? Infinity);
  return search.withBudget(db, opts.budgetMs, async (d) => {
    // Without a rare term to start from, each room's newest messages first: enough when they hold
    // the page (a common word, a phrase); before: looks at the past, where they never do.
    const mode = search.newestFirst;
    const windowed =
      mode !== undefined && !f.candidates && q.createdBefore === undefined && !(mode === 'whole' && (q.from.length > 0 || q.filterOnly));
    const early = windowed ? await newestFirst(d, scope, partOf, matches, opts.limit, best, mode) : undefined;
    const rows = early?.rows ?? (await pageOf(source).execute(d)).rows;
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    // Every row carries the count (it ran before the cursor's filter); a page past the end has no row to carry it.
    const counted = early ? early.counted : rows[0] ? Number(rows[0].counted) : after ? await countMatches(d, source, matches) : 0;
    return {
      items: page.map(({ score: _s, counted: _c, ...m }) => toMessage(m)),
      next_cursor: rows.length > opts.limit && last ? encodeCursor(Number(last.score), last.created_at, last.id) : null,
      ...(counted <= SEARCH_TOTAL_EXACT_MAX
        ? { total: counted, total_exact: true }
        : // Never below what was counted, whatever the sample says.
          {
            total: Math.max(SEARCH_TOTAL_EXACT_MAX + 1, Math.round(await estimateTotal(d, f, userId, q, scope))),
            total_exact: false,
          }),
    };
  });
}

/**
 * How many of the searcher's newest messages the first look reads, in all (each room's newest
 * share of it, at least WINDOW_PER_ROOM_MIN): a few percent of a searcher's rooms at a million
 * messages, a few milliseconds. Tests set it low to take this path with a few messages, and read
 * `proven` (how many pages came from a window) to see that they did.
 */
export const searchWindow = { rows: 4000, perRoomMin: 16, proven: 0 };

/**
 * The page from each room's newest messages first: a scan of the searcher's rooms costs 4–6 µs a
 * message (50 ms for 10,000), and a common word's or a phrase's page is among the newest few.
 * Times strictly increase with seqs in a room (RoomRepository.nextMessageSeq), so a room's
 * messages left out of the window (seq ≤ last_seq − k) are no newer than its newest one left out;
 * when the window's page is full and its last hit has the best score a hit can have and is newer
 * than every message left out in every room, no message left out can come before it, and the count
 * goes on past the window only while under its bound. Otherwise the messages left out are read
 * too, and the page is the best of the two parts' pages (each holds its part's best limit + 1): a
 * window that proves nothing costs nothing but its boundary's seeks. Undefined when the window
 * holds every message, or proves nothing and `onMiss` is 'whole': the whole query at once.
 */
async function newestFirst(
  d: Kysely<DB>,
  scope: RawBuilder<unknown>,
  partOf: (source: RawBuilder<unknown>) => RawBuilder<HitRow>,
  matches: RawBuilder<boolean>,
  limit: number,
  best: number,
  onMiss: 'rest' | 'whole',
): Promise<{ rows: HitRow[]; counted: number } | undefined> {
  const rooms = await sql<{ n: number | string }>`select count(*) as n from (${scope}) sc`.execute(d);
  const k = Math.max(searchWindow.perRoomMin, Math.ceil(searchWindow.rows / Math.max(1, Number(rooms.rows[0]?.n ?? 1))));
  // The newest message each room leaves out (one index seek a room), and the newest of those.
  const left = await sql<{ b: string | null }>`select max(x.b) as b from (
      select (select m.created_at from messages m where m.room_id = rs.id and m.seq <= rs.last_seq - ${k} order by m.seq desc limit 1) as b
      from rooms rs where rs.id in (${scope}) and rs.last_seq > ${k}
    ) x`.execute(d);
  const boundary = left.rows[0]?.b ?? null;
  if (boundary === null) return undefined;
  const inRooms = (seq: RawBuilder<boolean>) =>
    sql`(select rs.id, rs.last_seq from rooms rs where rs.id in (${scope})) rs join messages m on m.room_id = rs.id and ${seq} join message_search s on s.message_id = m.id`;
  const part = async (seq: RawBuilder<boolean>) => {
    const got = (await partOf(inRooms(seq)).execute(d)).rows;
    return { rows: got.filter((r) => r.id !== null), counted: Number(got[0]?.counted ?? 0) };
  };
  const win = await part(sql`m.seq > rs.last_seq - ${k}`);
  const last = win.rows[limit - 1];
  if (win.rows.length > limit && last && Number(last.score) >= best && Date.parse(last.created_at) > Date.parse(boundary)) {
    searchWindow.proven++;
    const counted =
      win.counted > SEARCH_TOTAL_EXACT_MAX
        ? win.counted
        : win.counted +
          (await countMatches(d, inRooms(sql`m.seq <= rs.last_seq - ${k}`), matches, SEARCH_TOTAL_EXACT_MAX + 1 - win.counted));
    return { rows: win.rows, counted };
  }
  if (onMiss === 'whole') return undefined;
  const rest = await part(sql`m.seq <= rs.last_seq - ${k}`);
  // Each part's count stops past the bound: their sum is exact up to it, and past it only says so.
  return { rows: [...win.rows, ...rest.rows].sort(hitOrder).slice(0, limit + 1), counted: win.counted + rest.counted };
}

/** The page's order (score, then newest, then id, all descending), as the query sorts: SQLite compares these ASCII texts bytewise, as JavaScript does. */
const hitOrder = (a: HitRow, b: HitRow): number =>
  Number(b.score) - Number(a.score) ||
  (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** How many messages match, counting no further than `bound` (SEARCH_TOTAL_EXACT_MAX + 1). */
async function countMatches(
  db: Kysely<DB>,
  source: RawBuilder<unknown>,
  matches: RawBuilder<boolean>,
  bound = SEARCH_TOTAL_EXACT_MAX + 1,
): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from (
      select 1 as one from ${source}
      where ${matches}
      limit ${bound}
    ) c`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Messages the estimate reads in all (spread over the searcher's rooms), and at least this many per room. */
const ESTIMATE_SAMPLE = 5000;
const ESTIMATE_PER_ROOM_MIN = 10;

/**
 * An estimate of how many messages match, the same on both databases and cheap on both: a
 * sample of each room's newest messages (seq > last_seq − k, a range of the (room_id, seq)
 * index: ESTIMATE_SAMPLE rows in all, or ESTIMATE_PER_ROOM_MIN a room for a searcher in more than
 * 500 rooms; never more, whatever the size of the rooms) is checked row by row, and each room's
 * share of matches is scaled to the room (last_seq messages): Σ rooms hits × last_seq ÷ sampled.
 * No text index is asked (it knows one term's messages everywhere, not the query's in these
 * rooms) and no statistics are needed (SQLite keeps none for FTS5; PostgreSQL's planner guesses
 * badly at a text match inside a membership subquery). The sample checks the
 * text by substring only (what finds nearly every match: a stem alone is rare), and is the
 * rooms' recent past, so a query of old dates (before:) is underestimated: the total then says
 * the bound + 1, still flagged as an estimate.
 */
async function estimateTotal(
  db: Kysely<DB>,
  f: SearchFragments,
  userId: string,
  q: SearchQuery,
  scope: RawBuilder<unknown>,
): Promise<number> {
  const rooms = await sql<{ n: number | string }>`select count(*) as n from (${scope}) sc`.execute(db);
  const perRoom = Math.max(ESTIMATE_PER_ROOM_MIN, Math.ceil(ESTIMATE_SAMPLE / Math.max(1, Number(rooms.rows[0]?.n ?? 1))));
  const perRow: SearchFragments = { ...f, bodyContains: (t) => f.contains(sql.ref('s.body'), t), stemMatch: () => sql<boolean>`1 = 0` };
  // A message without a search row (a system message) is in the room's seqs, never a match.
  const hit = and([sql`s.message_id is not null`, sql`m.deleted_at is null`, ...filters(perRow, userId, q), ...textTerms(perRow, q)]);
  const r = await sql<{ est: number | string | null }>`select sum(x.hits * 1.0 * x.size / x.n) as est from (
      select max(rs.last_seq) as size, count(*) as n, sum(case when ${hit} then 1 else 0 end) as hits
      from rooms rs
      join messages m on m.room_id = rs.id and m.seq > rs.last_seq - ${perRoom}
      left join message_search s on s.message_id = m.id
      where rs.id in (${scope}) and ${f.inTime()}
      group by rs.id
    ) x`.execute(db);
  return Number(r.rows[0]?.est ?? 0);
}
