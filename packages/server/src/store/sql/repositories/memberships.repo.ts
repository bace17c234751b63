import { sql, type Selectable, type Updateable } from 'kysely';
import { decodeCursor, encodeCursor } from '../../cursor.ts';
import type { MembershipPatch, MembershipRow } from '../../room-types.ts';
import type { MembershipRepository } from '../../store.ts';
import type { Page, UserRow } from '../../types.ts';
import type { MembershipsTable, UsersTable } from '../schema.ts';
import { toMembership, toUser, unprefix } from './mappers.ts';
import { prepared } from './prepared.ts';
import { ACTIVE_USER } from './sql-helpers.ts';
import { SqlRepository } from './sql-repository.ts';

// On every send to a direct room (the next message lists it again for whoever hid it): compiled once.
const unhideAllOf = prepared((db, roomId: string) =>
  db
    .updateTable('memberships')
    .set({ hidden_at: null })
    .where('room_id', '=', roomId)
    .where('hidden_at', 'is not', null)
    .returning('user_id'),
);

const membershipOf = prepared((db, roomId: string, userId: string) =>
  db.selectFrom('memberships').selectAll().where('room_id', '=', roomId).where('user_id', '=', userId),
);

export class SqlMembershipRepository extends SqlRepository implements MembershipRepository {
  async get(roomId: string, userId: string): Promise<MembershipRow | undefined> {
    const r = (await membershipOf(this.db, roomId, userId)).rows[0];
    return r && toMembership(r);
  }

  async add(m: Parameters<MembershipRepository['add']>[0]): Promise<boolean> {
    const r = await this.db
      .insertInto('memberships')
      .values(m)
      .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async remove(roomId: string, userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('memberships').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async update(roomId: string, userId: string, patch: MembershipPatch): Promise<MembershipRow | undefined> {
    const { muted, ...rest } = patch;
    const values: Updateable<MembershipsTable> = { ...rest };
    if (muted !== undefined) values.muted = muted ? 1 : 0;
    const r = await this.db
      .updateTable('memberships')
      .set(values)
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    return r && toMembership(r);
  }

  async list(roomId: string, limit: number, cursor?: string): Promise<Page<{ membership: MembershipRow; user: UserRow }>> {
    const after = decodeCursor(cursor);
    let q = this.db
      .selectFrom('memberships as m')
      .innerJoin('users', 'users.id', 'm.user_id')
      .selectAll('users')
      .select([
        'm.room_id as m_room_id',
        'm.user_id as m_user_id',
        'm.role as m_role',
        'm.joined_at as m_joined_at',
        'm.last_read_seq as m_last_read_seq',
        'm.last_read_message_id as m_last_read_message_id',
        'm.last_read_at as m_last_read_at',
        'm.delivered_seq as m_delivered_seq',
        'm.notification_level as m_notification_level',
        'm.muted as m_muted',
        'm.muted_until as m_muted_until',
        'm.hidden_at as m_hidden_at',
      ])
      .where('m.room_id', '=', roomId)
      .where(ACTIVE_USER);
    if (after)
      q = q.where((eb) =>
        eb.or([eb('m.joined_at', '>', after.at), eb.and([eb('m.joined_at', '=', after.at), eb('m.user_id', '>', after.id)])]),
      );
    const rows = await q
      .orderBy('m.joined_at')
      .orderBy('m.user_id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        membership: toMembership(unprefix<Selectable<MembershipsTable>>(r, 'm_')),
        user: toUser(r as unknown as Selectable<UsersTable>),
      })),
      next_cursor: rows.length > limit && last ? encodeCursor(last.m_joined_at, last.m_user_id) : null,
    };
  }

  async count(roomId: string): Promise<number> {
    const r = await this.db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('room_id', '=', roomId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async oldestOther(roomId: string, exceptUserId: string): Promise<MembershipRow | undefined> {
    const r = await this.db
      .selectFrom('memberships')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('user_id', '<>', exceptUserId)
      .orderBy(sql`case role when 'admin' then 0 else 1 end`)
      .orderBy('joined_at')
      .limit(1)
      .executeTakeFirst();
    return r && toMembership(r);
  }

  async markRead(roomId: string, userId: string, seq: number, messageId: string | null, at: string): Promise<MembershipRow | undefined> {
    // Never backwards: the guard on last_read_seq makes an older or repeated read a no-op.
    await this.db
      .updateTable('memberships')
      .set({
        last_read_seq: seq,
        last_read_message_id: messageId,
        last_read_at: at,
        delivered_seq: sql<number>`case when delivered_seq < ${seq} then ${seq} else delivered_seq end`,
      })
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .where('last_read_seq', '<', seq)
      .execute();
    return this.get(roomId, userId);
  }

  async markDelivered(roomId: string, userId: string, seq: number): Promise<boolean> {
    const r = await this.db
      .updateTable('memberships')
      .set({ delivered_seq: seq })
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .where('delivered_seq', '<', seq)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async readers(roomId: string, seq: number, exceptUserId: string): Promise<{ user: UserRow; read_at: string | null }[]> {
    const rows = await this.db
      .selectFrom('memberships as m')
      .innerJoin('users', 'users.id', 'm.user_id')
      .selectAll('users')
      .select('m.last_read_at as read_at')
      .where('m.room_id', '=', roomId)
      .where('m.last_read_seq', '>=', seq)
      .where('m.user_id', '<>', exceptUserId)
      .where(ACTIVE_USER)
      .orderBy('m.last_read_at')
      .limit(1000)
      .execute();
    return rows.map(({ read_at, ...u }) => ({ user: toUser(u), read_at }));
  }

  async readCounts(roomId: string, messages: { seq: number; sender_id: string }[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (messages.length === 0) return out;
    // Only read points at or past the page's oldest message matter.
    const oldest = Math.min(...messages.map((m) => m.seq));
    const points = await this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['memberships.user_id', 'memberships.last_read_seq'])
      .where('memberships.room_id', '=', roomId)
      .where('memberships.last_read_seq', '>=', oldest)
      .where(ACTIVE_USER)
      .execute();
    for (const m of messages) out.set(m.seq, points.filter((p) => p.user_id !== m.sender_id && p.last_read_seq >= m.seq).length);
    return out;
  }

  async countsOf(userId: string): Promise<{ joined: number; owned: number }> {
    const r = await this.db
      .selectFrom('memberships')
      .select((eb) => [
        eb.fn.countAll<number>().as('joined'),
        eb.fn.sum<number>(eb.case().when('role', '=', 'owner').then(1).else(0).end()).as('owned'),
      ])
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return { joined: Number(r.joined), owned: Number(r.owned ?? 0) };
  }

  async sharesRoom(a: string, b: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('memberships as ma')
      .innerJoin('memberships as mb', 'mb.room_id', 'ma.room_id')
      .select('ma.room_id')
      .where('ma.user_id', '=', a)
      .where('mb.user_id', '=', b)
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  async notifiable(roomId: string, userIds?: string[]): Promise<string[]> {
    if (userIds && userIds.length === 0) return [];
    let q = this.db.selectFrom('memberships').select('user_id').where('room_id', '=', roomId).where('notification_level', '<>', 'muted');
    if (userIds) q = q.where('user_id', 'in', userIds);
    return (await q.execute()).map((r) => r.user_id);
  }

  async roomIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('memberships').select('room_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.room_id);
  }

  async peers(roomIds: string[], userId: string): Promise<Map<string, UserRow>> {
    if (roomIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('memberships as m')
      .innerJoin('users', 'users.id', 'm.user_id')
      .selectAll('users')
      .select('m.room_id as peer_room_id')
      .where('m.room_id', 'in', roomIds)
      .where('m.user_id', '<>', userId)
      .execute();
    return new Map(rows.map(({ peer_room_id, ...u }) => [peer_room_id, toUser(u)]));
  }

  async setHidden(roomId: string, userId: string, hiddenAt: string | null): Promise<boolean> {
    // Only a change counts: hiding a hidden room (or showing a listed one) writes nothing.
    const r = await this.db
      .updateTable('memberships')
      .set({ hidden_at: hiddenAt })
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .where('hidden_at', hiddenAt === null ? 'is not' : 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async unhideAll(roomId: string): Promise<string[]> {
    return (await unhideAllOf(this.db, roomId)).rows.map((r) => r.user_id);
  }

  async whichAreMembers(roomId: string, userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('memberships')
      .select('user_id')
      .where('room_id', '=', roomId)
      .where('user_id', 'in', userIds)
      .execute();
    return rows.map((r) => r.user_id);
  }
}
