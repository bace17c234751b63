/**
 * Seeds messages fast, straight through SQL: each batch is one INSERT … SELECT over a generated
 * series (generate_series on PostgreSQL, a recursive CTE on SQLite), so rows never cross the wire
 * one by one. Writes messages under consecutive seqs from 1 (a message row is its own message_created
 * entry in the room's log), then sets each room's last_seq, so history pages and resume work on the
 * seeded rooms.
 *
 * By default every message is "seeded message <n> lorem ipsum…", 1 ms apart, senders in turn; a
 * SeedShape gives varied contents (one of a list per message, `{n}` replaced by its seq), a spacing
 * in time, and runs of messages by one sender (as a chat has), for a UI that lays them out.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../packages/server/src/store/sql/schema.ts';

export interface SeedRoom {
  id: string;
  /** Users the messages are attributed to, round robin. */
  senders: { id: string }[];
  messages: number;
}

const BATCH = 50_000;
/** Seeded messages are 1 ms apart from here (so up to 86.4M fit in the day). */
const T0 = '2025-01-01T00:00:00.000Z';
const FILLER = 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor';

export interface SeedShape {
  /** Message n's content is contents[hash(n) % length] with every `{n}` replaced by n. */
  contents: string[];
  /** Time between two messages of a room. */
  spacingMs: number;
  /** Messages in a row by one sender (senders still take turns, run by run). */
  run: number;
}

/** Which of the contents message n gets: a multiplicative hash, so the mix is spread evenly but not in a cycle a layout would show. */
const HASH = 2654435761;

/** Inserts every room's messages in batches; progress(done) after each. Returns rows written. */
export async function seedMessages(
  db: Kysely<DB>,
  dialect: 'sqlite' | 'postgres',
  rooms: SeedRoom[],
  progress: (done: number) => void,
  shape?: SeedShape,
): Promise<number> {
  const spacing = shape?.spacingMs ?? 1;
  let done = 0;
  // One connection throughout, so the session settings below hold for every batch.
  await db.connection().execute(async (conn) => {
    // A bulk load: no commit flush per batch, and no per-row foreign-key triggers (the seeder writes only valid ids).
    if (dialect === 'postgres') await sql`set synchronous_commit = off; set session_replication_role = replica`.execute(conn);
    for (const [index, room] of rooms.entries()) {
      for (let from = 1; from <= room.messages; from += BATCH) {
        const to = Math.min(room.messages, from + BATCH - 1);
        await conn.transaction().execute(async (tx) => {
          if (dialect === 'postgres')
            await (shape ? postgresShapedBatch(tx, index, room, from, to, shape) : postgresBatch(tx, index, room, from, to));
          else await sqliteBatch(tx, index, room, from, to, shape);
        });
        done += to - from + 1;
        progress(done);
      }
      await conn
        .updateTable('rooms')
        .set({ last_seq: room.messages, last_message_at: new Date(Date.parse(T0) + room.messages * spacing).toISOString() })
        .where('id', '=', room.id)
        .execute();
    }
    if (dialect === 'postgres') {
      await sql`set session_replication_role = origin`.execute(conn);
      // As a database in steady state would be: statistics current, the visibility map set, the
      // load's dirty pages written. Otherwise autovacuum and a checkpoint run during the measurement.
      await sql`vacuum (analyze) messages`.execute(conn);
      await sql`checkpoint`.execute(conn);
    }
  });
  return done;
}

/** The ISO time of message n (t0 + n ms, n < 1 day), built from integers: to_char per row is the slow part of a seed. */
const isoPg = (t0: string) =>
  sql`${t0} || lpad((g / 3600000)::text, 2, '0') || ':' || lpad((g / 60000 % 60)::text, 2, '0') || ':' || lpad((g / 1000 % 60)::text, 2, '0') || '.' || lpad((g % 1000)::text, 3, '0') || 'Z'`;

async function postgresBatch(db: Kysely<DB>, index: number, room: SeedRoom, from: number, to: number): Promise<void> {
  const ids = room.senders.map((u) => u.id);
  const rows = sql`
    select (lpad(to_hex(${index}::int), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(g), 12, '0')) as id, g,
           (${ids}::text[])[1 + g % ${ids.length}::int] as sender_id,
           'seeded message ' || g || ' ' || ${FILLER} as content, ${isoPg(T0.slice(0, 11))} as created_at
    from generate_series(${from}::int, ${to}::int) g`;
  await sql`
    insert into messages (id, room_id, seq, sender_id, type, content, mentions, mentions_room, reply_count, created_at)
    select r.id::uuid, ${room.id}::uuid, r.g, r.sender_id::uuid, 'text', r.content, '[]', 0, 0, r.created_at::timestamptz from (${rows}) r`.execute(
    db,
  );
}

async function sqliteBatch(db: Kysely<DB>, index: number, room: SeedRoom, from: number, to: number, shape?: SeedShape): Promise<void> {
  const ids = JSON.stringify(room.senders.map((u) => u.id));
  const n = room.senders.length;
  const run = shape?.run ?? 1;
  const content = shape
    ? sql`replace(json_extract(${JSON.stringify(shape.contents)}, '$[' || (n * cast(${HASH} as integer) % cast(${shape.contents.length} as integer)) || ']'), '{n}', n)`
    : sql`'seeded message ' || n || ' ' || ${FILLER}`;
  const rows = sql`
    with recursive g(n) as (select cast(${from} as integer) union all select n + 1 from g where n < cast(${to} as integer))
    select printf('%08x-0000-7000-8000-%012x', cast(${index} as integer), n) as id, n as g,
           json_extract(${ids}, '$[' || (n / cast(${run} as integer) % cast(${n} as integer)) || ']') as sender_id,
           ${content} as content, strftime('%Y-%m-%dT%H:%M:%fZ', ${Date.parse(T0) / 1000} + n * cast(${shape?.spacingMs ?? 1} as integer) / 1000.0, 'unixepoch') as created_at
    from g`;
  await sql`
    insert into messages (id, room_id, seq, sender_id, type, content, mentions, mentions_room, reply_count, created_at)
    select r.id, ${room.id}, r.g, r.sender_id, 'text', r.content, '[]', 0, 0, r.created_at from (${rows}) r`.execute(db);
}

/** A shaped batch on PostgreSQL: times by interval arithmetic (no text per row), contents from an array. */
async function postgresShapedBatch(
  db: Kysely<DB>,
  index: number,
  room: SeedRoom,
  from: number,
  to: number,
  shape: SeedShape,
): Promise<void> {
  const ids = room.senders.map((u) => u.id);
  const rows = sql`
    select (lpad(to_hex(${index}::int), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(g), 12, '0')) as id, g,
           (${ids}::text[])[1 + (g / ${shape.run}::int) % ${ids.length}::int] as sender_id,
           replace((${shape.contents}::text[])[1 + (g::bigint * ${HASH}::bigint % ${shape.contents.length}::int)], '{n}', g::text) as content,
           ${T0}::timestamptz + (g::bigint * ${shape.spacingMs}::bigint) * interval '1 millisecond' as created_at
    from generate_series(${from}::int, ${to}::int) g`;
  await sql`
    insert into messages (id, room_id, seq, sender_id, type, content, mentions, mentions_room, reply_count, created_at)
    select r.id::uuid, ${room.id}::uuid, r.g, r.sender_id::uuid, 'text', r.content, '[]', 0, 0, r.created_at from (${rows}) r`.execute(db);
}

/** The id the seeder gives message `seq` of the room at `index` in the list it was passed. */
export const seededMessageId = (index: number, seq: number): string =>
  `${index.toString(16).padStart(8, '0')}-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`;
