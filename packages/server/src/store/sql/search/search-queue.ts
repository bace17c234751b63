import { sql, type Kysely } from 'kysely';
import type { MessageRow } from '../../room-types.ts';
import type { DB } from '../schema.ts';
import { searchDocument } from '../../../domain/search-document.ts';
import { prepared } from '../repositories/prepared.ts';
import { loopBusyMeter } from '../loop-busy.ts';
import { ROOM_KEY } from '../dialects/sqlite-search.ts';
import { isSearchable, reindexMessage, unindexMessage, type SearchIndexWrites } from './search-index.ts';
import { mergePages } from './fts5-structure.ts';
import { SEARCH_INDEXES, SearchTidier } from './search-tidy.ts';

/**
 * The most messages indexed per transaction: one segment of each FTS5 index, and ~2-3 ms of the
 * writer on a quiet machine. Each batch has costs of its own (the segments' flush, their merges
 * later, the statements): 512 a batch cost each message ~25 % less CPU than 128
 * (bench/index-batch.ts: 18 against 24.5 µs), but its one statement held the event loop ~4×
 * longer, and every send and delivery waited behind it: S1 100×10 with 512 failed at 4,757 msg/s
 * on p99 (118-122 ms at 92-95 % of a core) where 128 had passed 5,657. A batch is written when a
 * batch's worth is queued (see batchSize), or after QUEUE_IDLE_MS.
 */
export const QUEUE_BATCH = 128;
/**
 * The fewest a batch takes, however slow: below this a batch's own costs dominate. (At 200 msg/s
 * on 10×100 the quiet loop's batches are this small. 32 was tried there, with QUEUE_START_MS: over
 * 10 interleaved rounds of bench:fixed, 1,830 µs a message against 1,850 for 16 without it, which
 * is no difference on this host; and a longer batch is a longer wait for the sends behind it.)
 */
export const QUEUE_BATCH_MIN = 16;
/**
 * How long a batch should hold the writer, and with it the event loop, while the loop is busy. A
 * count alone held it three times longer on a machine three times slower at this work (a shared
 * host: ~55 µs a message against ~18), so the size follows the time. 2 ms (session 17, chosen on
 * single S1 runs, which read 0.62-1.14× for one code within an hour) made batches of ~40 messages,
 * each paying a batch's fixed costs (a segment of each index, and its merges later): at 3,000 msg/s
 * on 100×10 (bench:fixed, 4 rounds) the index cost 53 µs a message over no index; at 6 ms (~128,
 * the most) 26, with p99 alike. 12 ms and batches of 256 saved nothing more.
 */
export const BATCH_HOLD_MS = 6;
/**
 * How long a batch holds the writer while the event loop is quiet (loopBusyMeter): every send
 * that arrives during a batch waits for it, and with nothing else to do the CPU longer batches
 * save is not needed. At 400 msg/s on 10×100, batches of 2 ms took p99 from 2.4-3.2 ms (no index)
 * to 4.1-7.7 ms, against the bare relay's 1.9-2.5.
 */
export const QUIET_BATCH_HOLD_MS = 0.5;

/**
 * The next batch's size from the last one's: as many as the hold (BATCH_HOLD_MS, or
 * QUIET_BATCH_HOLD_MS while the loop is quiet) holds at the last batch's pace, between
 * QUEUE_BATCH_MIN and QUEUE_BATCH, moved half-way each time so one slow batch (a merge of FTS5
 * segments, a GC) does not halve the next. Batches too small to time well leave it.
 */
export function nextBatchSize(current: number, indexed: number, ms: number, holdMs = BATCH_HOLD_MS): number {
  if (indexed < QUEUE_BATCH_MIN || ms <= 0) return current;
  const fits = (holdMs * indexed) / ms;
  return Math.round(Math.min(QUEUE_BATCH, Math.max(QUEUE_BATCH_MIN, (current + fits) / 2)));
}
/**
 * Pages of segment merges each FTS5 index does for each message a batch indexed (migration 0022
 * turned FTS5's own merges off). FTS5 merged 64 pages a level every 64 leaf pages written, at
 * once: a few batches held the writer 10-50 ms. A few pages every batch keep the segments as few
 * (in-process, 100k messages indexed, then 1,600 msg/s for 60 s: 8-12 segments an index, against
 * 15-17 with FTS5's merges) for less CPU (92-95 against 102 µs a message), and the longest batch
 * went from 48 to 10-12 ms, p99 from 14 to 4 ms. A merge step with nothing to merge costs little.
 * They fall behind as the index grows (a million messages loaded at full speed: 54 segments in
 * the trigram index); what they leave undone is merged while the server is quiet (search-tidy.ts).
 */
export const MERGE_PAGES_PER_MESSAGE = 0.25;
/** How long a queued message may wait when fewer than a batch arrive (a search never waits: it catches up first). */
export const QUEUE_IDLE_MS = 1000;
/**
 * How long after the send that queued a batch's worth the batch is written. Started in that
 * send's transaction, the batch joined its group commit, and the send's answer and deliveries
 * (written at the end of its turn of the event loop) waited for the whole batch: every batch's
 * last message was late by a batch. A few milliseconds later they have left.
 */
export const QUEUE_START_MS = 2;

/** Runs a write transaction on the store's writer (its group commit on SQLite). */
export type RunWrite = (fn: (trx: Kysely<DB>) => Promise<number>) => Promise<number>;

/**
 * SQLite (migration 0017): a send queues its message for the search index (one row of integers
 * and an id) and this indexes the queue in batches, off the send's path. Computing a message's
 * search form and writing its search row and both FTS5 indexes had cost a send as much as the
 * rest of it. A message is still found the moment its send is acknowledged: a search first
 * indexes every message queued before it began (`catchUp`), usually a few rows. Edits and deletes
 * of indexed messages still reach the index in their own transaction; a queued message is read
 * as it is when its batch is written (edited: its new text; deleted: not indexed).
 */
export class SearchQueue {
  private readonly db: Kysely<DB>;
  private readonly runWrite: RunWrite;
  private queued = 0;
  /** Messages a batch takes now (nextBatchSize): fewer while batches are slow. */
  batchSize = QUEUE_BATCH;
  /** The next write of the queue (schedule), and when it is due (performance.now()). */
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  private draining: Promise<void> | undefined;
  private closed = false;
  /** Each room's number in the trigram index's keys, as the batches found or gave it (see RoomNumbers). */
  private readonly rooms: RoomNumbers = new Map();
  /** Whether the event loop is busy: batches hold the writer longer then (fewer of them, less CPU). */
  private readonly loopBusy: () => boolean;
  /** Merges what the batches' merge steps left undone, while the server is quiet (search-tidy.ts). */
  readonly tidier: SearchTidier;

  constructor(db: Kysely<DB>, runWrite: RunWrite, loopBusy: () => boolean = loopBusyMeter(), tidier = new SearchTidier(db, runWrite)) {
    this.db = db;
    this.runWrite = runWrite;
    this.loopBusy = loopBusy;
    this.tidier = tidier;
    // Messages a previous run queued and did not index (a crash, a kill) are indexed soon after
    // start. (A store opened on a database not migrated to 0017 yet has no queue: nothing to do.)
    void lastQueued(db).then(
      (last) => last !== undefined && this.schedule(QUEUE_IDLE_MS),
      () => {},
    );
  }

  /** The writes a message repository makes: a new message is queued; edits and deletes go to the index at once. */
  readonly writes: SearchIndexWrites = {
    index: async (db, messageId) => {
      await queueMessage(db, messageId);
      // A full batch once the send that filled it has gone out; fewer after the idle time.
      this.schedule(++this.queued >= this.batchSize ? QUEUE_START_MS : QUEUE_IDLE_MS);
    },
    reindex: reindexMessage,
    unindex: unindexMessage,
  };

  /** Every message queued when this is called is in the index when it resolves. */
  async catchUp(): Promise<void> {
    const last = await lastQueued(this.db);
    if (last === undefined) return;
    // Bounded: each pass indexes the oldest batch, and only ids up to `last` keep it going.
    while (await queuedUpTo(this.db, last)) await this.drain();
  }

  close(): void {
    this.closed = true;
    this.tidier.close();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Writes the queue `ms` from now, unless a write is already due as soon. */
  private schedule(ms: number): void {
    if (this.closed) return;
    const at = performance.now() + ms;
    if (this.timer !== undefined && this.dueAt <= at) return;
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => this.soon(), ms);
    this.timer.unref();
  }

  private soon(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.closed) void this.drain().catch(() => this.schedule(QUEUE_IDLE_MS));
  }

  /** Indexes the queue a batch at a time until a batch comes back short; one drain at a time. */
  private drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        this.queued = 0;
        while (!this.closed) {
          // Timed from the batch's first statement to its commit: FTS5 writes its segments, and
          // merges, when the transaction commits. (Units that joined its group commit after it are
          // in the time too: they held the writer as long.)
          const size = this.batchSize;
          let start = 0;
          const indexed = await this.runWrite((trx) => ((start = performance.now()), indexQueued(trx, size, this.rooms)));
          const hold = this.loopBusy() ? BATCH_HOLD_MS : QUIET_BATCH_HOLD_MS;
          this.batchSize = nextBatchSize(size, indexed, performance.now() - start, hold);
          if (indexed < size) break;
        }
        this.tidier.soon();
      } catch (err) {
        // A batch that did not commit may have numbered rooms that are not numbered after all.
        this.rooms.clear();
        throw err;
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }
}

/** On every send: compiled once (see prepared.ts). */
const queueMessage = prepared((db, message_id: string) => db.insertInto('message_search_queue').values({ message_id }));

async function lastQueued(db: Kysely<DB>): Promise<number | undefined> {
  const r = await sql<{ id: number | null }>`select max(id) as id from message_search_queue`.execute(db);
  return r.rows[0]?.id ?? undefined;
}

/** Up to `pages` pages of segment merges in each FTS5 index (FTS5 goes on with a merge it began, or starts one where a level has 4 segments). */
async function mergeStep(trx: Kysely<DB>, pages: number): Promise<void> {
  for (const index of SEARCH_INDEXES) await mergePages(trx, index, pages);
}

async function keyedByRoom(db: Kysely<DB>): Promise<boolean> {
  return (await sql`select 1 from sqlite_master where type = 'table' and name = 'message_search_rooms'`.execute(db)).rows.length > 0;
}

/**
 * Room numbers (message_search_rooms.ordinal by room id) a search queue keeps between its batches:
 * a number never changes once given, so a batch looks up and numbers only the rooms it has not
 * met yet (two statements a batch had cost ~2 µs a message). Cleared when a batch fails, since
 * the numbers it gave may have been rolled back with it. Its presence also says the table exists.
 */
export type RoomNumbers = Map<string, number>;

async function queuedUpTo(db: Kysely<DB>, last: number): Promise<boolean> {
  return (await sql`select 1 from message_search_queue where id <= ${last} limit 1`.execute(db)).rows.length > 0;
}

/**
 * Indexes the oldest `limit` queued messages, as they are now, in the caller's transaction:
 * their search rows are written (replaced, should a rebuild have written one meanwhile) and the
 * triggers carry them to both FTS5 indexes. Returns how many queue rows it took.
 */
export async function indexQueued(trx: Kysely<DB>, limit: number, known: RoomNumbers = new Map()): Promise<number> {
  const rows = (
    await sql<{
      qid: number;
      id: string | null;
      room_id: string | null;
      seq: number | null;
      type: MessageRow['type'];
      content: string;
      deleted_at: string | null;
    }>`select q.id as qid, m.id, m.room_id, m.seq, m.type, m.content, m.deleted_at
       from message_search_queue q left join messages m on m.id = q.message_id
       order by q.id limit ${limit}`.execute(trx)
  ).rows;
  const last = rows.at(-1);
  if (last === undefined) return 0;
  await sql`delete from message_search_queue where id <= ${last.qid}`.execute(trx);
  const searchable = rows.filter((r) => r.id !== null && isSearchable(r));
  // Before 0019 (a database migrating through 0017-0018 indexes its queue too) rows have no key.
  if (searchable.length > 0 && known.size === 0 && !(await keyedByRoom(trx)))
    await trx
      .insertInto('message_search')
      .values(searchable.map((r) => ({ message_id: r.id!, ...searchDocument(r.content) })))
      .onConflict((oc) => oc.column('message_id').doUpdateSet((eb) => ({ body: eb.ref('excluded.body'), words: eb.ref('excluded.words') })))
      .execute();
  else if (searchable.length > 0) {
    // Each row keyed here, and written in key order (room, then seq): the trigram index is keyed by
    // room and seq (0019), and FTS5 writes out what it holds whenever a key is not above the last
    // one's. Keying in the trigger instead cost each row an UPDATE of itself and two lookups.
    const roomIds = [...new Set(searchable.map((r) => r.room_id!))].filter((id) => !known.has(id));
    if (roomIds.length > 0) {
      const ids = JSON.stringify(roomIds);
      await sql`insert or ignore into message_search_rooms(room_id) select value from json_each(${ids})`.execute(trx);
      const found = await sql<{
        ordinal: number;
        room_id: string;
      }>`select ordinal, room_id from message_search_rooms where room_id in (select value from json_each(${ids}))`.execute(trx);
      for (const r of found.rows) known.set(r.room_id, r.ordinal);
    }
    const docs = searchable
      .map((r) => ({ message_id: r.id!, key: known.get(r.room_id!)! * ROOM_KEY + r.seq!, ...searchDocument(r.content) }))
      .sort((a, b) => a.key - b.key);
    // One statement of one parameter, whatever the batch's size: a row of VALUES a message had
    // made a statement (and its triggers' programs) per batch size, compiled and cached each, and
    // its 4 parameters a message built and bound through Kysely. (The texts are read from the
    // database: well-formed, so JSON carries them exactly as a bound parameter would.)
    const batch = JSON.stringify(docs.map((d) => [d.message_id, d.body, d.words, d.key]));
    await sql`insert into message_search (message_id, body, words, key)
      select value ->> 0, value ->> 1, value ->> 2, value ->> 3 from json_each(${batch}) where true
      on conflict (message_id) do update set body = excluded.body, words = excluded.words`.execute(trx);
    await mergeStep(trx, Math.ceil(searchable.length * MERGE_PAGES_PER_MESSAGE));
  }
  return rows.length;
}
