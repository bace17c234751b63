import { sql, type Kysely, type RawBuilder, type Selectable, type Updateable } from 'kysely';
import { decodeCursor, decodeKey, encodeCursor, encodeKey } from '../../cursor.ts';
import type { NewRoom, RoomPatch, RoomRow } from '../../room-types.ts';
import type { MyRoomsPage, RoomFilter, RoomRepository } from '../../store.ts';
import type { Page } from '../../types.ts';
import type { SqlDialect } from '../dialects/dialect.ts';
import type { DB, MembershipsTable, RoomsTable } from '../schema.ts';
import { toMembership, toRoom, unprefix } from './mappers.ts';
import { escapeLike } from './sql-helpers.ts';
import { prepared } from './prepared.ts';
import { SqlRepository } from './sql-repository.ts';

// Every send reads the room and takes its next seq: compiled once (see prepared.ts).
const roomById = prepared((db, id: string) => db.selectFrom('rooms').selectAll().where('id', '=', id));
// Every WebSocket connect reads these twice (see ws-server.ts): compiled once, two columns only.
// A correlated subquery, not a join: the SQLite that better-sqlite3 ships (3.54, built with STAT4)
// prepares a join with bound parameters again on every run (~30 µs); a subquery it does not.
const seqsOfUser = prepared((db, userId: string) =>
  db
    .selectFrom('memberships as m')
    .select((eb) => [
      'm.room_id',
      eb.selectFrom('rooms').select('rooms.last_seq').whereRef('rooms.id', '=', 'm.room_id').$asScalar().as('last_seq'),
    ])
    .where('m.user_id', '=', userId),
);
const takeSeq = prepared((db, id: string) =>
  db
    .updateTable('rooms')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', id)
    .returning('last_seq'),
);
/**
 * Takes an open room's next seq for a message, and the message's time: messageAt, or 1 ms after
 * the room's previous message when that is not earlier (so times strictly increase with seqs),
 * kept as last_message_at. messageAt twice: a prepared query takes each argument once. Adding a
 * millisecond is dialect SQL, hence one statement per dialect.
 */
const takeSeqForOpenRoomWith = (nextMs: RawBuilder<string>) =>
  prepared((db, id: string, messageAt: string, messageAtAgain: string) =>
    db
      .updateTable('rooms')
      .set((eb) => ({
        last_seq: eb('last_seq', '+', 1),
        last_message_at: eb
          .case()
          .when(eb.or([eb('last_message_at', 'is', null), eb('last_message_at', '<', messageAt)]))
          .then(messageAtAgain)
          .else(nextMs)
          .end(),
      }))
      .where('id', '=', id)
      .where('archived', '=', 0)
      .returning(['last_seq', 'last_message_at']),
  );
const takeSeqForOpenRoom = {
  sqlite: takeSeqForOpenRoomWith(sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', last_message_at, '+0.001 seconds')`),
  postgres: takeSeqForOpenRoomWith(sql<string>`last_message_at + interval '1 millisecond'`),
};

const MEMBERSHIP_COLUMNS = [
  'role',
  'joined_at',
  'last_read_seq',
  'last_read_message_id',
  'last_read_at',
  'delivered_seq',
  'notification_level',
  'muted',
  'muted_until',
  'hidden_at',
  'room_id',
  'user_id',
] as const;

/** A room's place in its members' lists: its latest message, else its creation. */
const activity = sql<string>`coalesce(rooms.last_message_at, rooms.created_at)`;

export class SqlRoomRepository extends SqlRepository implements RoomRepository {
  private readonly dialect: SqlDialect;

  constructor(db: Kysely<DB>, dialect: SqlDialect) {
    super(db);
    this.dialect = dialect;
  }

  async insert(room: NewRoom): Promise<RoomRow> {
    const r = await this.db
      .insertInto('rooms')
      .values({ ...room, name_lower: room.name.toLowerCase(), categories: JSON.stringify(room.categories) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRoom(r);
  }

  async findById(id: string): Promise<RoomRow | undefined> {
    const r = (await roomById(this.db, id)).rows[0];
    return r && toRoom(r);
  }

  async findByDirectKey(key: string): Promise<RoomRow | undefined> {
    const r = await this.db.selectFrom('rooms').selectAll().where('direct_key', '=', key).executeTakeFirst();
    return r && toRoom(r);
  }

  async update(id: string, patch: RoomPatch): Promise<RoomRow | undefined> {
    const { categories, featured, archived, ...rest } = patch;
    const values: Updateable<RoomsTable> = { ...rest };
    if (patch.name !== undefined) values.name_lower = patch.name.toLowerCase();
    if (categories !== undefined) values.categories = JSON.stringify(categories);
    if (featured !== undefined) values.featured = featured ? 1 : 0;
    if (archived !== undefined) values.archived = archived ? 1 : 0;
    if (Object.keys(values).length === 0) return this.findById(id);
    const r = await this.db.updateTable('rooms').set(values).where('id', '=', id).returningAll().executeTakeFirst();
    return r && toRoom(r);
  }

  async delete(id: string): Promise<void> {
    // Pins and reactions cascade from messages; thread parents point inside the room, so messages go in one statement.
    await this.db.deleteFrom('rooms').where('id', '=', id).execute();
  }

  async nextSeq(id: string): Promise<number> {
    const { rows } = await takeSeq(this.db, id);
    if (!rows[0]) throw new Error(`nextSeq: no room ${id}`);
    return rows[0].last_seq;
  }

  async nextMessageSeq(id: string, messageAt: string): Promise<{ seq: number; at: string } | undefined> {
    const { rows } = await takeSeqForOpenRoom[this.dialect.name](this.db, id, messageAt, messageAt);
    const row = rows[0];
    return row && { seq: row.last_seq, at: row.last_message_at! };
  }

  async takeSeat(id: string): Promise<boolean> {
    // The limit is checked by the UPDATE itself, so racing joins cannot overfill a room.
    const r = await this.db
      .updateTable('rooms')
      .set((eb) => ({ member_count: eb('member_count', '+', 1) }))
      .where('id', '=', id)
      .where((eb) => eb.or([eb('member_limit', 'is', null), eb('member_count', '<', eb.ref('member_limit'))]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async releaseSeat(id: string): Promise<number> {
    const r = await this.db
      .updateTable('rooms')
      .set((eb) => ({ member_count: eb('member_count', '-', 1) }))
      .where('id', '=', id)
      .returning('member_count')
      .executeTakeFirstOrThrow();
    return r.member_count;
  }

  async lock(id: string): Promise<void> {
    // SQLite runs one write transaction at a time: there is nothing to wait for. On PostgreSQL, NO KEY:
    // the rows this transaction inserts that point here (invites.room_id, memberships.room_id) take KEY SHARE on this row,
    // which a plain FOR UPDATE would wait on (two such transactions deadlocked).
    if (this.dialect.name === 'postgres') await this.db.selectFrom('rooms').select('id').where('id', '=', id).forNoKeyUpdate().execute();
  }

  async listForUser(userId: string, page: { limit: number; cursor?: string | undefined }): Promise<MyRoomsPage> {
    const after = decodeCursor(page.cursor);
    let q = this.db
      .selectFrom('memberships as m')
      .innerJoin('rooms', 'rooms.id', 'm.room_id')
      .selectAll('rooms')
      .select(MEMBERSHIP_COLUMNS.map((c) => `m.${c} as m_${c}` as const))
      .where('m.user_id', '=', userId)
      // A direct room its member hid is not listed until a message lists it again.
      .where('m.hidden_at', 'is', null);
    if (after) {
      // The cursor's time as the database writes times, whatever a client put in it.
      const at = new Date(after.at).toISOString();
      q = q.where((eb) => eb.or([eb(activity, '<', at), eb.and([eb(activity, '=', at), eb('rooms.id', '<', after.id)])]));
    }
    const rows = await q
      .orderBy(activity, 'desc')
      .orderBy('rooms.id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit).map((r) => ({
      room: toRoom(r as unknown as Selectable<RoomsTable>),
      membership: toMembership(unprefix<Selectable<MembershipsTable>>(r, 'm_')),
    }));
    const last = items.at(-1)?.room;
    return { items, next_cursor: rows.length > page.limit && last ? encodeCursor(last.last_message_at ?? last.created_at, last.id) : null };
  }

  async seqsForUser(userId: string): Promise<{ room_id: string; last_seq: number }[]> {
    return (await seqsOfUser(this.db, userId)).rows;
  }

  async listPublic(filter: RoomFilter): Promise<Page<RoomRow>> {
    const after = decodeKey(filter.cursor, ['text', 'uuid']);
    let q = this.db.selectFrom('rooms').selectAll().where('type', '=', 'public');
    if (filter.q) q = q.where(sql<boolean>`name_lower like ${`%${escapeLike(filter.q.toLowerCase())}%`} escape '\\'`);
    if (filter.category) q = q.where(sql<boolean>`categories like ${`%${escapeLike(JSON.stringify(filter.category))}%`} escape '\\'`);
    if (filter.featured !== undefined) q = q.where('featured', '=', filter.featured ? 1 : 0);
    if (after)
      q = q.where((eb) => eb.or([eb('name_lower', '>', after[0]), eb.and([eb('name_lower', '=', after[0]), eb('id', '>', after[1])])]));
    const rows = await q
      .orderBy('name_lower')
      .orderBy('id')
      .limit(filter.limit + 1)
      .execute();
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return { items: page.map(toRoom), next_cursor: rows.length > filter.limit && last ? encodeKey([last.name_lower, last.id]) : null };
  }
}
