import { sql } from 'kysely';
import type { GuestRepository, GuestRow, RoomLikeRepository } from '../../core-features-store.ts';
import { decodeCursor, encodeCursor } from '../../cursor.ts';
import type { RoomRow } from '../../room-types.ts';
import type { NewUser, Page, UserRow } from '../../types.ts';
import { toRoom, toUser } from './mappers.ts';
import { ACTIVE_USER } from './sql-helpers.ts';
import { SqlRepository } from './sql-repository.ts';

/** Room likes (seed 000): a row per liker, and the count kept on the room in the same transaction. */
export class SqlRoomLikeRepository extends SqlRepository implements RoomLikeRepository {
  /** Call inside a transaction: the like row and the room's count change together. */
  async toggle(roomId: string, userId: string, at: string): Promise<{ liked: boolean; like_count: number }> {
    const removed = await this.db.deleteFrom('room_likes').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
    let liked = false;
    let delta = -1;
    if (Number(removed.numDeletedRows) === 0) {
      const added = await this.db
        .insertInto('room_likes')
        .values({ room_id: roomId, user_id: userId, created_at: at })
        .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
        .executeTakeFirst();
      liked = true;
      delta = Number(added.numInsertedOrUpdatedRows ?? 0n) > 0 ? 1 : 0;
    }
    const row = await this.db
      .updateTable('rooms')
      .set({ like_count: sql<number>`like_count + ${delta}` })
      .where('id', '=', roomId)
      .returning('like_count')
      .executeTakeFirst();
    return { liked, like_count: Number(row?.like_count ?? 0) };
  }

  async isLiked(roomId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('room_likes')
      .select('user_id')
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r !== undefined;
  }

  async roomsOfFollowed(followerId: string, limit: number, cursor?: string): Promise<Page<{ room: RoomRow; author: UserRow }>> {
    const after = decodeCursor(cursor);
    let q = this.db
      .selectFrom('follows')
      .innerJoin('rooms', 'rooms.created_by', 'follows.followee_id')
      .innerJoin('users', 'users.id', 'rooms.created_by')
      .selectAll('rooms')
      .where('follows.follower_id', '=', followerId)
      .where(ACTIVE_USER)
      .where('rooms.type', '!=', 'direct')
      .where((eb) =>
        eb.or([
          eb('rooms.type', '=', 'public'),
          eb.exists(
            eb
              .selectFrom('memberships')
              .select('memberships.user_id')
              .whereRef('memberships.room_id', '=', 'rooms.id')
              .where('memberships.user_id', '=', followerId),
          ),
        ]),
      );
    if (after) {
      q = q.where((eb) =>
        eb.or([eb('rooms.created_at', '<', after.at), eb.and([eb('rooms.created_at', '=', after.at), eb('rooms.id', '<', after.id)])]),
      );
    }
    const rows = await q
      .orderBy('rooms.created_at', 'desc')
      .orderBy('rooms.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit).map(toRoom);
    const authorIds = [...new Set(page.map((r) => r.created_by!))];
    const authors = authorIds.length === 0 ? [] : await this.db.selectFrom('users').selectAll().where('id', 'in', authorIds).execute();
    const byId = new Map(authors.map((u) => [u.id, toUser(u)]));
    const last = page.at(-1);
    return {
      items: page.map((room) => ({ room, author: byId.get(room.created_by!)! })),
      next_cursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }
}

/** Guest accounts of the gateways: an ordinary users row (no password, never an admin) plus its identity. */
export class SqlGuestRepository extends SqlRepository implements GuestRepository {
  /** Call inside a transaction: undefined means the identity was taken meanwhile (roll back, read it again). */
  async create(user: NewUser, identity: string, at: string): Promise<UserRow | undefined> {
    const row = await this.db
      .insertInto('users')
      .values({ ...user, password_hash: null, search_name: user.display_name.toLowerCase(), is_admin: 0 })
      .returningAll()
      .executeTakeFirstOrThrow();
    const r = await this.db
      .insertInto('guests')
      .values({ user_id: user.id, identity, last_active_at: at, created_at: at })
      .onConflict((oc) => oc.column('identity').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0 ? toUser(row) : undefined;
  }

  async findByIdentity(identity: string): Promise<GuestRow | undefined> {
    return this.db.selectFrom('guests').selectAll().where('identity', '=', identity).executeTakeFirst();
  }

  async isGuest(userId: string): Promise<boolean> {
    return (await this.guestsAmong([userId])).size > 0;
  }

  async guestsAmong(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db.selectFrom('guests').select('user_id').where('user_id', 'in', userIds).execute();
    return new Set(rows.map((r) => r.user_id));
  }

  async touch(userId: string, at: string): Promise<void> {
    await this.db
      .updateTable('guests')
      .set({ last_active_at: at })
      .where('user_id', '=', userId)
      .where('last_active_at', '<', at)
      .execute();
  }

  async listIdle(before: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('guests')
      .select('user_id')
      .where('last_active_at', '<', before)
      .orderBy('last_active_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async remove(userId: string): Promise<void> {
    await this.db.deleteFrom('guests').where('user_id', '=', userId).execute();
  }
}
