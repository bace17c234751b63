import type { Updateable } from 'kysely';
import type { MessageRange, MessageRow, NewMessage, PinRow, ReactionGroupRow, RoomEventRow } from '../../room-types.ts';
import { decodeCursor, encodeCursor } from '../../cursor.ts';
import { pageFrom, type Page, type PageRequest, type UserRow } from '../../types.ts';
import type { MessageRepository, PinRepository, ReactionRepository, RoomEventRepository } from '../../store.ts';
import type { SearchQuery } from '../../../domain/search-query.ts';
import type { MessageSearchOptions, MessageSearchPage } from '../../search-types.ts';
import type { SqlDialect } from '../dialects/dialect.ts';
import type { DB, MessagesTable } from '../schema.ts';
import { indexAllMessages, isSearchable, SEARCH_INDEX_WRITES, type SearchIndexWrites } from '../search/search-index.ts';
import { searchMessages } from '../search/search-messages.ts';
import type { SearchQueue } from '../search/search-queue.ts';
import type { Kysely } from 'kysely';
import { toMessage, toUser } from './mappers.ts';
import { prepared } from './prepared.ts';
import { ACTIVE_USER } from './sql-helpers.ts';
import { SqlRepository } from './sql-repository.ts';

// The send path and the gap fill run these on every message: compiled once (see prepared.ts).
const insertMessage = prepared(
  (
    db,
    id: string,
    room_id: string,
    seq: number,
    sender_id: string,
    type: MessageRow['type'],
    content: string,
    parent_id: string | null,
    client_id: string | null,
    mentions: string,
    mentions_room: number,
    created_at: string,
  ) =>
    db
      .insertInto('messages')
      .values({ id, room_id, seq, sender_id, type, content, parent_id, client_id, mentions, mentions_room, created_at }),
);
const messageById = prepared((db, id: string) => db.selectFrom('messages').selectAll().where('id', '=', id));
const messageByClientId = prepared((db, senderId: string, clientId: string) =>
  db.selectFrom('messages').selectAll().where('sender_id', '=', senderId).where('client_id', '=', clientId),
);
const appendEvent = prepared((db, room_id: string, seq: number, type: string, payload: string, created_at: string) =>
  db.insertInto('room_events').values({ room_id, seq, type, payload, created_at }),
);
const eventsAfter = prepared((db, roomId: string, afterSeq: number, limit: number) =>
  db.selectFrom('room_events').selectAll().where('room_id', '=', roomId).where('seq', '>', afterSeq).orderBy('seq').limit(limit),
);

export class SqlMessageRepository extends SqlRepository implements MessageRepository {
  private readonly dialect: SqlDialect;
  private readonly searchIndex: SearchIndexWrites;
  /** The store's search queue (SQLite), when new messages are indexed after their sends: a search catches up with it first. */
  private readonly searchQueue: SearchQueue | undefined;

  constructor(db: Kysely<DB>, dialect: SqlDialect, searchQueue?: SearchQueue) {
    super(db);
    this.dialect = dialect;
    this.searchQueue = searchQueue;
    this.searchIndex = searchQueue?.writes ?? dialect.searchIndexWrites ?? SEARCH_INDEX_WRITES;
  }

  /** The stored row is the given one with the columns' defaults: no `returning *` (a third of the insert's cost on SQLite). */
  async insert(m: NewMessage): Promise<MessageRow> {
    await insertMessage(
      this.db,
      m.id,
      m.room_id,
      m.seq,
      m.sender_id,
      m.type,
      m.content,
      m.parent_id,
      m.client_id,
      JSON.stringify(m.mentions),
      m.mentions_room ? 1 : 0,
      m.created_at,
    );
    // In the send's transaction (indexed, or queued for the index: see search-queue.ts): findable the moment the send is acknowledged.
    if (isSearchable({ type: m.type, deleted_at: null })) await this.searchIndex.index(this.db, m.id, m.content);
    const { id, room_id, seq, sender_id, type, content, parent_id, client_id, mentions, mentions_room, created_at } = m;
    return {
      id,
      room_id,
      seq,
      sender_id,
      type,
      content,
      parent_id,
      client_id,
      mentions: [...mentions],
      mentions_room,
      reply_count: 0,
      created_at,
      edited_at: null,
      deleted_at: null,
    };
  }

  async findById(id: string): Promise<MessageRow | undefined> {
    const r = (await messageById(this.db, id)).rows[0];
    return r && toMessage(r);
  }

  async findBySeq(roomId: string, seq: number): Promise<MessageRow | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('room_id', '=', roomId).where('seq', '=', seq).executeTakeFirst();
    return r && toMessage(r);
  }

  async findByClientId(senderId: string, clientId: string): Promise<MessageRow | undefined> {
    const r = (await messageByClientId(this.db, senderId, clientId)).rows[0];
    return r && toMessage(r);
  }

  async update(
    id: string,
    patch: Partial<Pick<MessageRow, 'content' | 'edited_at' | 'deleted_at' | 'mentions' | 'mentions_room'>>,
  ): Promise<MessageRow | undefined> {
    const { mentions, mentions_room, ...rest } = patch;
    const values: Updateable<MessagesTable> = { ...rest };
    if (mentions !== undefined) values.mentions = JSON.stringify(mentions);
    if (mentions_room !== undefined) values.mentions_room = mentions_room ? 1 : 0;
    const r = await this.db
      .updateTable('messages')
      .set(values)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!r) return undefined;
    const row = toMessage(r);
    // The index follows in the same transaction: a deleted message is never found, an edited one by its new text only.
    if (!isSearchable(row)) await this.searchIndex.unindex(this.db, id);
    else if (patch.content !== undefined) await this.searchIndex.reindex(this.db, id, row.content);
    return row;
  }

  async search(userId: string, query: SearchQuery, opts: MessageSearchOptions): Promise<MessageSearchPage> {
    // Inside a transaction the queue cannot be written (its batch would wait for this one): a search is never made there.
    if (!this.db.isTransaction) await this.searchQueue?.catchUp();
    return searchMessages(this.db, this.dialect.search, userId, query, opts);
  }

  async rebuildSearchIndex(onProgress?: (done: number, total: number) => void): Promise<number> {
    const inTransaction = (fn: (trx: Kysely<DB>) => Promise<void>) =>
      this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn);
    const done = await indexAllMessages(this.db, inTransaction, onProgress);
    await this.dialect.search.reindex(this.db);
    return done;
  }

  async list(roomId: string, range: MessageRange): Promise<MessageRow[]> {
    // Keyset on (room_id, seq): a page never shifts when newer messages arrive.
    let q = this.db.selectFrom('messages').selectAll().where('room_id', '=', roomId);
    if (range.parentId) q = q.where('parent_id', '=', range.parentId);
    if (range.afterSeq !== undefined) {
      const rows = await q.where('seq', '>', range.afterSeq).orderBy('seq', 'asc').limit(range.limit).execute();
      return rows.map(toMessage);
    }
    if (range.beforeSeq !== undefined) q = q.where('seq', '<', range.beforeSeq);
    const rows = await q.orderBy('seq', 'desc').limit(range.limit).execute();
    return rows.map(toMessage);
  }

  async incrementReplies(parentId: string): Promise<void> {
    await this.db
      .updateTable('messages')
      .set((eb) => ({ reply_count: eb('reply_count', '+', 1) }))
      .where('id', '=', parentId)
      .execute();
  }

  async countUnread(roomId: string, userId: string, afterSeq: number): Promise<number> {
    const r = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('room_id', '=', roomId)
      .where('seq', '>', afterSeq)
      .where('sender_id', '<>', userId)
      .where('deleted_at', 'is', null)
      // "alice joined" is not something to catch up on.
      .where('type', '<>', 'system')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async latestMessageAtOrBefore(roomId: string, seq: number): Promise<MessageRow | undefined> {
    const r = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('seq', '<=', seq)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && toMessage(r);
  }
}

export class SqlReactionRepository extends SqlRepository implements ReactionRepository {
  async add(messageId: string, userId: string, emoji: string, at: string): Promise<boolean> {
    const r = await this.db
      .insertInto('reactions')
      .values({ message_id: messageId, user_id: userId, emoji, created_at: at })
      .onConflict((oc) => oc.columns(['message_id', 'emoji', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async remove(messageId: string, userId: string, emoji: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('reactions')
      .where('message_id', '=', messageId)
      .where('user_id', '=', userId)
      .where('emoji', '=', emoji)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async groups(messageIds: string[], viewerId: string): Promise<ReactionGroupRow[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('reactions')
      // A hidden account's reactions are not counted (they come back if it is reactivated).
      .innerJoin('users', 'users.id', 'reactions.user_id')
      .select((eb) => [
        'reactions.message_id',
        'reactions.emoji',
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>(eb.case().when('reactions.user_id', '=', viewerId).then(1).else(0).end()).as('mine'),
        eb.fn.min('reactions.created_at').as('first_at'),
      ])
      .where('reactions.message_id', 'in', messageIds)
      .where(ACTIVE_USER)
      .groupBy(['reactions.message_id', 'reactions.emoji'])
      .orderBy('first_at')
      .orderBy('reactions.emoji')
      .execute();
    return rows.map((r) => ({ message_id: r.message_id, emoji: r.emoji, count: Number(r.count), me: Number(r.mine) > 0 }));
  }

  async reactors(messageId: string, limit: number): Promise<{ emoji: string; user: UserRow }[]> {
    const rows = await this.db
      .selectFrom('reactions')
      .innerJoin('users', 'users.id', 'reactions.user_id')
      .selectAll('users')
      .select('reactions.emoji')
      .where('reactions.message_id', '=', messageId)
      .where(ACTIVE_USER)
      .orderBy('reactions.created_at')
      .orderBy('reactions.user_id')
      .limit(limit)
      .execute();
    return rows.map(({ emoji, ...u }) => ({ emoji, user: toUser(u) }));
  }
}

export class SqlPinRepository extends SqlRepository implements PinRepository {
  async pin(p: PinRow): Promise<boolean> {
    const r = await this.db
      .insertInto('pins')
      .values(p)
      .onConflict((oc) => oc.columns(['room_id', 'message_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async unpin(roomId: string, messageId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('pins').where('room_id', '=', roomId).where('message_id', '=', messageId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async list(roomId: string, page: PageRequest): Promise<Page<PinRow>> {
    const after = decodeCursor(page.cursor);
    let q = this.db.selectFrom('pins').selectAll().where('room_id', '=', roomId);
    if (after)
      q = q.where((eb) =>
        eb.or([eb('pinned_at', '<', after.at), eb.and([eb('pinned_at', '=', after.at), eb('message_id', '<', after.id)])]),
      );
    const rows = await q
      .orderBy('pinned_at', 'desc')
      .orderBy('message_id', 'desc')
      .limit(page.limit + 1)
      .execute();
    return pageFrom(rows, page.limit, (last) => encodeCursor(last.pinned_at, last.message_id));
  }

  async pinnedAmong(roomId: string, messageIds: string[]): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('pins')
      .select('message_id')
      .where('room_id', '=', roomId)
      .where('message_id', 'in', messageIds)
      .execute();
    return new Set(rows.map((r) => r.message_id));
  }
}

export class SqlRoomEventRepository extends SqlRepository implements RoomEventRepository {
  async append(e: RoomEventRow): Promise<void> {
    await appendEvent(this.db, e.room_id, e.seq, e.type, JSON.stringify(e.payload), e.created_at);
  }

  async listAfter(roomId: string, afterSeq: number, limit: number): Promise<RoomEventRow[]> {
    const { rows } = await eventsAfter(this.db, roomId, afterSeq, limit);
    return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as unknown }));
  }
}
