/**
 * Message search latency (issue 17), in-process against the store, on a fresh database.
 *
 *   npm run bench:search -- [--messages 100000] [--rooms 1000] [--users 1000] [--member-of 50]
 *                           [--queries 100] [--database-url postgres://…/postgres] [--words FILE] [--keep]
 *                           [--corpus postgres://…/search_bench_pg | DIR] [--bulk] [--only 'rare word,phrase'] [--explain] [--untidy]
 *
 * Loads N messages (default 100,000; the issue's corpus is `--messages 1000000`) over R rooms and
 * U users through the store's own insert (so the index is written as a send writes it), text drawn
 * from a Zipf distribution over a vocabulary (FILE, one word a line, e.g. Debian's
 * /usr/share/dict/words; else a synthetic one), with some CJK and URLs. Then, for a user who is a
 * member of `--member-of` rooms, it times each query kind and a plain indexed lookup (a room's
 * newest page, what opening a room costs) in the same run, and prints p50/p95/p99 and their ratio to
 * that lookup, the load rate, and the index size as a ratio to the message text.
 * With --database-url (an admin URL) it creates a database for the run and drops it after
 * (--keep: keeps the database, or the SQLite data dir, and prints where it is).
 *
 * --corpus: a database of your own (PostgreSQL URL of an existing database, or an SQLite data dir)
 * that is loaded on the first run and reused as it is on the next ones (never dropped): loading 1M
 * messages takes far longer than the queries. The same seed gives the same words to query.
 * --bulk (PostgreSQL): the messages and their search rows inserted 1,000 at a time by SQL, not one
 * by one through the store (the same rows and indexes; ~10× faster on a busy machine); then VACUUM
 * ANALYZE, as autovacuum would have done on a server that has been running.
 * --only: the query kinds to time (by label). --explain (PostgreSQL): prints EXPLAIN (ANALYZE,
 * BUFFERS) of each kind's search statement, run under the same budget settings as a search.
 * --untidy (SQLite): query the index as the load left it, without the merges a quiet server does
 * (search-tidy.ts); by default they are done first, timed, and the segments printed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CompiledQuery, Kysely, PostgresDialect, sql, type Insertable } from 'kysely';
import pg from 'pg';
import { newId } from '../packages/server/src/domain/ids.ts';
import { parseSearchQuery } from '../packages/server/src/domain/search-query.ts';
import { searchDocument } from '../packages/server/src/domain/search-document.ts';
import { openDialect, openStore } from '../packages/server/src/store/sql/open.ts';
import { postgresSearch } from '../packages/server/src/store/sql/dialects/postgres-search.ts';
import type { DB, MessagesTable } from '../packages/server/src/store/sql/schema.ts';
import { searchMessages } from '../packages/server/src/store/sql/search/search-messages.ts';
import { readStructure } from '../packages/server/src/store/sql/search/fts5-structure.ts';
import { SEARCH_INDEXES, type SearchTidier } from '../packages/server/src/store/sql/search/search-tidy.ts';
import type { Store } from '../packages/server/src/store/store.ts';
import { freshPostgresDatabase } from '../packages/server/test/helpers/services.ts';
import { aUser } from '../packages/server/src/store/contract/fixtures.ts';
import { aRoom } from '../packages/server/src/store/contract/room-fixtures.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    rooms: { type: 'string', default: '1000' },
    users: { type: 'string', default: '1000' },
    'member-of': { type: 'string', default: '50' },
    queries: { type: 'string', default: '100' },
    'database-url': { type: 'string' },
    words: { type: 'string' },
    keep: { type: 'boolean', default: false },
    corpus: { type: 'string' },
    bulk: { type: 'boolean', default: false },
    only: { type: 'string' },
    explain: { type: 'boolean', default: false },
    untidy: { type: 'boolean', default: false },
  },
});
let N = Number(values.messages);
const ROOMS = Number(values.rooms);
const USERS = Number(values.users);
const MEMBER_OF = Math.min(Number(values['member-of']), ROOMS);
const REPEAT = Number(values.queries);

// A seeded generator (mulberry32): the same corpus every run.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

function vocabulary(): string[] {
  if (values.words)
    return [
      ...new Set(
        readFileSync(values.words, 'utf8')
          .split('\n')
          .map((w) => w.trim())
          .filter((w) => /^[\p{L}]{2,}$/u.test(w)),
      ),
    ];
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ne',
    'ra',
    'to',
    'su',
    'vi',
    'de',
    'ploy',
    'ser',
    'ver',
    'con',
    'fig',
    'an',
    'ti',
    'sta',
    'ge',
    'ment',
    'ing',
    'ed',
    'pro',
    'ble',
    'tion',
  ];
  const words = new Set<string>(['the', 'and', 'deploy', 'server', 'meeting', 'tomorrow', 'lunch', 'release']);
  while (words.size < 20_000) words.add(Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join(''));
  return [...words];
}
const WORDS = vocabulary();
// Zipf (s ≈ 1): word k is drawn with weight 1/k, by inverting the cumulative weights.
const cumulative: number[] = [];
WORDS.reduce((sum, _w, k) => (cumulative[k] = sum + 1 / (k + 1)), 0);
const zipf = (): string => {
  const x = random() * cumulative.at(-1)!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return WORDS[lo]!;
};
const CJK = ['東京タワーに行った', '会議は明日です', '新しいサーバーを設定した', '北京的天气很好', '오늘 회의가 있어요'];
function text(): string {
  const r = random();
  if (r < 0.04) return `${pick(CJK)} ${zipf()}`;
  const words = Array.from({ length: 4 + Math.floor(random() * 14) }, zipf);
  if (r < 0.09) words.splice(2, 0, `https://example.com/${zipf()}/${zipf()}_${zipf()}`);
  return words.join(' ');
}

const corpus = values.corpus;
const corpusOnPg = corpus?.startsWith('postgres') ?? false;
const dataDir = corpus !== undefined && !corpusOnPg ? corpus : mkdtempSync(join(tmpdir(), 'rooms-search-bench-'));
const pgDb = corpus === undefined && values['database-url'] ? await freshPostgresDatabase(values['database-url']) : undefined;
const where = { databaseUrl: corpusOnPg ? corpus : pgDb?.url, dataDir };
const store: Store = await openStore(where);
process.stderr.write(`opened ${store.dialect}\n`);
const kind = store.dialect;
const dialect = openDialect(where);

const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 30_000).toISOString();
const users: string[] = [];
const usernames: string[] = [];
const rooms: string[] = [];
let textBytes = 0;
let loadSecs = 0;
const reused = corpus !== undefined && (await store.users.findByUsername('user0')) !== undefined;
if (reused) {
  // An earlier run's corpus: its users and rooms by their names, its text size from the messages.
  const byName = async (table: 'users' | 'rooms', column: 'username' | 'name', prefix: string, into: string[]) => {
    const r = await sql<{ id: string; n: string }>`select id, ${sql.ref(column)} as n from ${sql.table(table)}`.execute(dialect.db);
    for (const row of r.rows) if (row.n.startsWith(prefix)) into[Number(row.n.slice(prefix.length))] = row.id;
  };
  await byName('users', 'username', 'user', users);
  await byName('rooms', 'name', 'room-', rooms);
  usernames.push(...users.map((_id, i) => `user${i}`));
  const bytes = kind === 'sqlite' ? sql`length(cast(content as blob))` : sql`octet_length(content)`;
  const r = await sql<{ b: number | string; n: number | string }>`select sum(${bytes}) as b, count(*) as n from messages`.execute(
    dialect.db,
  );
  textBytes = Number(r.rows[0]?.b ?? 0);
  N = Number(r.rows[0]?.n ?? 0);
  process.stderr.write(`reusing the corpus in ${corpus}: ${users.length} users, ${rooms.length} rooms\n`);
} else {
  await load();
  process.stderr.write(`loaded ${N} in ${loadSecs.toFixed(1)} s\n`);
}
const searcher = users[0]!;

// SQLite: the index as a server leaves it once quiet (search-tidy.ts): the merges the batches'
// steps left undone at this load's pace, and the segments before and after. --untidy: as loaded.
const tidied = kind === 'sqlite' && !values.untidy ? await tidy() : undefined;
async function tidy(): Promise<string> {
  const queue = (store as unknown as { searchQueue: { catchUp(): Promise<void>; tidier: SearchTidier } }).searchQueue;
  await queue.catchUp();
  const segments = async () =>
    (
      await Promise.all(
        SEARCH_INDEXES.map(async (i) => `${i.replace('message_search_', '')} ${(await readStructure(dialect.db, i)).segments}`),
      )
    ).join(', ');
  const before = await segments();
  const t0 = performance.now();
  await queue.tidier.tidy(true);
  return `${((performance.now() - t0) / 1000).toFixed(1)} s of merges while quiet; segments ${before} → ${await segments()}`;
}

async function load(): Promise<void> {
  // Users, rooms, and the searcher's memberships.
  for (let i = 0; i < USERS; i++) {
    const id = newId();
    usernames.push(`user${i}`);
    users.push(id);
    await store.users.insert(aUser({ id, username: `user${i}`, email: `u${i}@bench.test`, display_name: `User ${i}`, created_at: at(0) }));
  }
  for (let i = 0; i < ROOMS; i++) {
    const id = newId();
    rooms.push(id);
    await store.rooms.insert(aRoom({ id, name: `room-${i}`, created_at: at(0) }));
  }
  process.stderr.write(`users and rooms\n`);
  for (let i = 0; i < MEMBER_OF; i++) await store.members.add({ room_id: rooms[i]!, user_id: users[0]!, role: 'member', joined_at: at(0) });
  const t0 = performance.now();
  if (values.bulk && kind === 'postgres') await loadBulk();
  else await loadThroughStore();
  loadSecs = (performance.now() - t0) / 1000;
}

/** The messages, through the store's insert: the index is written in the same transactions. */
async function loadThroughStore(): Promise<void> {
  const BATCH = 500;
  for (let done = 0; done < N; done += BATCH) {
    await store.transaction(async (tx) => {
      for (let i = done; i < Math.min(N, done + BATCH); i++) {
        const room = rooms[i % ROOMS]!;
        const content = text();
        textBytes += Buffer.byteLength(content);
        const seq = (await tx.rooms.nextMessageSeq(room, at(i)))?.seq;
        await tx.messages.insert({
          id: newId(),
          room_id: room,
          seq: seq!,
          sender_id: users[i % USERS]!,
          type: 'text',
          content,
          parent_id: null,
          client_id: null,
          mentions: [],
          mentions_room: false,
          created_at: at(i),
        });
      }
    });
    if (done % 50_000 === 0 && done > 0) process.stderr.write(`loaded ${done}\n`);
  }
}

/** The same messages and search rows as loadThroughStore, 1,000 to a statement (PostgreSQL). */
async function loadBulk(): Promise<void> {
  const BATCH = 1000;
  for (let done = 0; done < N; done += BATCH) {
    const msgs: Insertable<MessagesTable>[] = [];
    for (let i = done; i < Math.min(N, done + BATCH); i++) {
      const content = text();
      textBytes += Buffer.byteLength(content);
      msgs.push({
        id: newId(),
        room_id: rooms[i % ROOMS]!,
        seq: Math.floor(i / ROOMS) + 1,
        sender_id: users[i % USERS]!,
        type: 'text',
        content,
        mentions: '[]',
        mentions_room: 0,
        created_at: at(i),
      });
    }
    await dialect.db.transaction().execute(async (trx) => {
      await trx.insertInto('messages').values(msgs).execute();
      await trx
        .insertInto('message_search')
        .values(msgs.map((m) => ({ message_id: m.id, ...searchDocument(m.content) })))
        .execute();
    });
    if (done % 50_000 === 0 && done > 0) process.stderr.write(`loaded ${done}\n`);
  }
  await sql`update rooms set last_seq = x.n, last_message_at = x.at
    from (select room_id, max(seq) as n, max(created_at) as at from messages group by room_id) x
    where rooms.id = x.room_id`.execute(dialect.db);
  // What autovacuum does on a running server: the GIN pending lists merged, statistics taken.
  await sql`vacuum analyze`.execute(dialect.db);
}

// Query kinds: the words chosen from the corpus's own distribution.
const rare = WORDS[Math.min(WORDS.length - 1, 5000)]!;
const mid = WORDS.find((w, k) => k > 20 && w.length >= 7) ?? WORDS[30]!;
const kinds: [string, string][] = [
  ['common word', WORDS[0]!],
  ['rare word', rare],
  ['phrase', `"${WORDS[1]} ${WORDS[2]}"`],
  ['substring', mid.slice(1, 5)],
  ['CJK, 2 chars', '東京'],
  ['from: + word', `from:${usernames[1]} ${WORDS[3]}`],
  ['filters only', `from:${usernames[2]} has:link`],
];

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const s = performance.now();
    await fn();
    out.push(performance.now() - s);
  }
  return out;
}

const baseline = await time(() => store.messages.list(rooms[Math.floor(random() * MEMBER_OF)]!, { limit: 20 }));
const base50 = quantile(baseline, 0.5);
const base95 = quantile(baseline, 0.95);
const rows: Record<string, string | number>[] = [
  {
    query: 'room page (baseline)',
    q: 'GET /rooms/:id/messages',
    hits: 20,
    p50_ms: base50.toFixed(2),
    p95_ms: base95.toFixed(2),
    p99_ms: quantile(baseline, 0.99).toFixed(2),
    p50_ratio: 1,
    p95_ratio: 1,
  },
];
const only = values.only?.split(',').map((x) => x.trim());
for (const [label, q] of kinds) {
  if (only && !only.some((o) => o !== '' && label.startsWith(o))) continue;
  const ast = parseSearchQuery(q, { now: new Date() });
  if (values.explain && kind === 'postgres') await explain(label, q, ast);
  let hits = 0;
  const ms = await time(async () => {
    hits = (await store.messages.search(searcher, ast, { sort: 'relevance', limit: 20, budgetMs: 30_000 })).total;
  });
  const p50 = quantile(ms, 0.5);
  const p95 = quantile(ms, 0.95);
  rows.push({
    query: label,
    q,
    hits,
    p50_ms: p50.toFixed(2),
    p95_ms: p95.toFixed(2),
    p99_ms: quantile(ms, 0.99).toFixed(2),
    p50_ratio: Math.round(p50 / base50),
    p95_ratio: Math.round(p95 / base95),
  });
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements one search runs (PostgreSQL): the search is run once
 * through a Kysely that records them, then each is explained in a transaction under the dialect's
 * budget (its settings apply).
 */
async function explain(label: string, q: string, ast: ReturnType<typeof parseSearchQuery>): Promise<void> {
  const seen: CompiledQuery[] = [];
  const pool = new pg.Pool({ connectionString: where.databaseUrl, max: 1, options: '-c timezone=UTC' });
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query' && /^\s*(with|select)/i.test(e.query.sql) && !/set_config/.test(e.query.sql))
        seen.push(CompiledQuery.raw(e.query.sql, [...e.query.parameters]));
    },
  });
  try {
    await searchMessages(db, postgresSearch, searcher, ast, { sort: 'relevance', limit: 20, budgetMs: 30_000 });
    for (const c of seen) {
      const plan = await postgresSearch.withBudget(db, 30_000, (trx) =>
        trx.executeQuery<Record<string, string>>(CompiledQuery.raw(`explain (analyze, buffers) ${c.sql}`, [...c.parameters])),
      );
      console.log(`\n--- ${label} (${q}): ${c.sql.replace(/\s+/g, ' ').slice(0, 100)}…`);
      console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
  } finally {
    await db.destroy();
  }
}

// Index size against the text it indexes.
const sizeQuery =
  kind === 'sqlite'
    ? sql<{
        n: number;
      }>`select sum(pgsize) as n from dbstat where name like 'message_search%' or name like 'sqlite_autoindex_message_search%'`
    : sql<{ n: number }>`select pg_total_relation_size('message_search') as n`;
const indexBytes = Number((await sizeQuery.execute(dialect.db)).rows[0]?.n ?? 0);
await dialect.close();

console.log(
  `\n${kind}: ${N} messages, ${ROOMS} rooms, ${USERS} users; the searcher is in ${MEMBER_OF} rooms (~${Math.round((N * MEMBER_OF) / ROOMS)} messages); ${REPEAT} runs per query`,
);
if (!reused)
  console.log(
    `load: ${Math.round(N / loadSecs)} messages/s ${values.bulk && kind === 'postgres' ? 'by bulk INSERT' : `through the store (${kind === 'postgres' ? 'indexed in the same transactions' : 'queued in the same transactions, indexed in batches'})`}`,
  );
if (tidied) console.log(`tidy: ${tidied}`);
console.log(
  `index: ${(indexBytes / 2 ** 20).toFixed(1)} MiB for ${(textBytes / 2 ** 20).toFixed(1)} MiB of text (${(indexBytes / textBytes).toFixed(1)}×)`,
);
console.table(rows);

await store.close();
if (corpus !== undefined) console.log(`corpus kept: ${corpus}`);
else if (values.keep) console.log(`kept: ${pgDb?.url ?? dataDir}`);
else {
  await pgDb?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
