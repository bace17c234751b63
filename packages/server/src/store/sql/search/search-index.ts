import { sql, type Kysely } from 'kysely';
import type { MessageRow } from '../../room-types.ts';
import type { DB } from '../schema.ts';
import { searchDocument } from '../../../domain/search-document.ts';

/**
 * Writes of the search index, made by the message repository in the transaction that writes the
 * message (on SQLite a new message is queued there instead and indexed in a batch: search-queue.ts):
 * a message is findable when its send is acknowledged, and an edit or a delete shows in the next
 * search. System messages ("alice joined") are not indexed.
 */
export const isSearchable = (m: Pick<MessageRow, 'type' | 'deleted_at'>): boolean => m.type !== 'system' && m.deleted_at === null;

export async function indexMessage(db: Kysely<DB>, messageId: string, content: string): Promise<void> {
  await db
    .insertInto('message_search')
    .values({ message_id: messageId, ...searchDocument(content) })
    .execute();
}

export async function reindexMessage(db: Kysely<DB>, messageId: string, content: string): Promise<void> {
  await db.updateTable('message_search').set(searchDocument(content)).where('message_id', '=', messageId).execute();
}

export async function unindexMessage(db: Kysely<DB>, messageId: string): Promise<void> {
  await db.deleteFrom('message_search').where('message_id', '=', messageId).execute();
}

/** The index writes a message repository makes (chosen once, when the store is opened: see openStore's searchIndex). */
export interface SearchIndexWrites {
  index(db: Kysely<DB>, messageId: string, content: string): Promise<void>;
  reindex(db: Kysely<DB>, messageId: string, content: string): Promise<void>;
  unindex(db: Kysely<DB>, messageId: string): Promise<void>;
}

export const SEARCH_INDEX_WRITES: SearchIndexWrites = { index: indexMessage, reindex: reindexMessage, unindex: unindexMessage };

const DONE = Promise.resolve();
/**
 * No index writes: a store opened with searchIndex false, which only the benchmark's Rooms without
 * the index starts (bench/rooms-noindex-server.ts), to measure what the index costs a send. Its
 * searches find nothing newer than the index.
 */
export const NO_SEARCH_INDEX_WRITES: SearchIndexWrites = { index: () => DONE, reindex: () => DONE, unindex: () => DONE };

/** Messages indexed per transaction by the backfill: small enough not to hold the writer long. */
const BATCH = 500;

/**
 * (Re)writes the search rows of every message, in batches of BATCH messages by id, each batch in
 * its own transaction (`inTransaction`): the batch's rows are replaced by fresh ones, so a rebuild
 * repairs rows that are missing, stale or orphaned, while sends go on between batches (a message
 * written meanwhile is indexed by its own transaction). Rows of messages that are deleted or gone
 * are removed. Calls onProgress(done, total) after each batch.
 */
export async function indexAllMessages(
  db: Kysely<DB>,
  inTransaction: (fn: (trx: Kysely<DB>) => Promise<void>) => Promise<void>,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<number> {
  const { n } = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const total = Number(n);
  let done = 0;
  let after: string | undefined;
  for (;;) {
    let last: string | undefined;
    let count = 0;
    await inTransaction(async (trx) => {
      let q = trx.selectFrom('messages').select(['id', 'type', 'content', 'deleted_at']).orderBy('id').limit(BATCH);
      if (after !== undefined) q = q.where('id', '>', after);
      const rows = await q.execute();
      count = rows.length;
      last = rows.at(-1)?.id;
      if (rows.length === 0) return;
      await trx
        .deleteFrom('message_search')
        .where(
          'message_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      const docs = rows
        .filter((r) => isSearchable({ type: r.type as MessageRow['type'], deleted_at: r.deleted_at }))
        .map((r) => ({ message_id: r.id, ...searchDocument(r.content) }));
      if (docs.length > 0) await trx.insertInto('message_search').values(docs).execute();
    });
    if (count === 0) break;
    done += count;
    after = last;
    onProgress(done, Math.max(total, done));
    if (count < BATCH) break;
  }
  // Rows whose message no longer exists (a foreign key cascades, but a repair should not rely on it).
  await inTransaction(async (trx) => {
    await trx
      .deleteFrom('message_search')
      .where(sql<boolean>`not exists (select 1 from messages where messages.id = message_search.message_id)`)
      .execute();
  });
  return done;
}
