import type { FollowRepository } from '../../store.ts';
import type { FollowEntry, Page } from '../../types.ts';
import { decodeCursor, encodeCursor } from '../../cursor.ts';
import { toUser } from './mappers.ts';
import { SqlRepository } from './sql-repository.ts';

type Side = { match: 'follower_id' | 'followee_id'; other: 'follower_id' | 'followee_id' };

export class SqlFollowRepository extends SqlRepository implements FollowRepository {
  async follow(followerId: string, followeeId: string, at: string): Promise<void> {
    await this.db
      .insertInto('follows')
      .values({ follower_id: followerId, followee_id: followeeId, created_at: at })
      .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
      .execute();
  }

  async unfollow(followerId: string, followeeId: string): Promise<void> {
    await this.db.deleteFrom('follows').where('follower_id', '=', followerId).where('followee_id', '=', followeeId).execute();
  }

  async isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('follows')
      .select('created_at')
      .where('follower_id', '=', followerId)
      .where('followee_id', '=', followeeId)
      .executeTakeFirst();
    return r !== undefined;
  }

  async counts(userId: string): Promise<{ followers: number; following: number }> {
    // Only active accounts count: a deactivated follower is hidden everywhere.
    const count = (side: Side) =>
      this.db
        .selectFrom('follows')
        .innerJoin('users', 'users.id', `follows.${side.other}`)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(`follows.${side.match}`, '=', userId)
        .where('users.deactivated_at', 'is', null)
        .where('users.deleted_at', 'is', null)
        .executeTakeFirstOrThrow();
    const [followers, following] = await Promise.all([
      count({ match: 'followee_id', other: 'follower_id' }),
      count({ match: 'follower_id', other: 'followee_id' }),
    ]);
    return { followers: Number(followers.n), following: Number(following.n) };
  }

  followers(userId: string, limit: number, cursor?: string): Promise<Page<FollowEntry>> {
    return this.list({ match: 'followee_id', other: 'follower_id' }, userId, limit, cursor);
  }

  following(userId: string, limit: number, cursor?: string): Promise<Page<FollowEntry>> {
    return this.list({ match: 'follower_id', other: 'followee_id' }, userId, limit, cursor);
  }

  private async list(side: Side, userId: string, limit: number, cursor?: string): Promise<Page<FollowEntry>> {
    const after = decodeCursor(cursor);
    let q = this.db
      .selectFrom('follows')
      .innerJoin('users', 'users.id', `follows.${side.other}`)
      .selectAll('users')
      .select('follows.created_at as followed_at')
      .where(`follows.${side.match}`, '=', userId)
      .where('users.deactivated_at', 'is', null)
      .where('users.deleted_at', 'is', null);
    if (after) {
      q = q.where((eb) =>
        eb.or([eb('follows.created_at', '<', after.at), eb.and([eb('follows.created_at', '=', after.at), eb('users.id', '<', after.id)])]),
      );
    }
    const rows = await q
      .orderBy('follows.created_at', 'desc')
      .orderBy('users.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(({ followed_at, ...r }) => ({ user: toUser(r), followed_at })),
      next_cursor: rows.length > limit && last ? encodeCursor(last.followed_at, last.id) : null,
    };
  }
}
