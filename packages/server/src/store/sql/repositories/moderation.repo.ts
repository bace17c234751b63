import type { BanRow, InviteRow } from '../../room-types.ts';
import type { BanRepository, BlockRepository, InviteRepository } from '../../store.ts';
import { decodeCursor, decodeKey, encodeCursor, encodeKey } from '../../cursor.ts';
import { pageFrom, type Page, type PageRequest, type UserRow } from '../../types.ts';
import { toUser } from './mappers.ts';
import { ACTIVE_USER } from './sql-helpers.ts';
import { SqlRepository } from './sql-repository.ts';

export class SqlBanRepository extends SqlRepository implements BanRepository {
  async add(ban: BanRow): Promise<void> {
    await this.db
      .insertInto('bans')
      .values(ban)
      .onConflict((oc) => oc.columns(['room_id', 'user_id']).doUpdateSet({ reason: ban.reason, banned_by: ban.banned_by }))
      .execute();
  }

  async remove(roomId: string, userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('bans').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async isBanned(roomId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('bans')
      .select('user_id')
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r !== undefined;
  }

  async list(roomId: string, page: PageRequest): Promise<Page<{ ban: BanRow; user: UserRow }>> {
    const after = decodeCursor(page.cursor);
    let q = this.db
      .selectFrom('bans')
      .innerJoin('users', 'users.id', 'bans.user_id')
      .selectAll('users')
      .select(['bans.room_id as b_room_id', 'bans.banned_by as b_banned_by', 'bans.reason as b_reason', 'bans.created_at as b_created_at'])
      .where('bans.room_id', '=', roomId);
    if (after)
      q = q.where((eb) =>
        eb.or([eb('bans.created_at', '<', after.at), eb.and([eb('bans.created_at', '=', after.at), eb('bans.user_id', '<', after.id)])]),
      );
    const rows = await q
      .orderBy('bans.created_at', 'desc')
      .orderBy('bans.user_id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.map(({ b_room_id, b_banned_by, b_reason, b_created_at, ...u }) => ({
      ban: { room_id: b_room_id, user_id: u.id, banned_by: b_banned_by, reason: b_reason, created_at: b_created_at },
      user: toUser(u),
    }));
    return pageFrom(items, page.limit, (last) => encodeCursor(last.ban.created_at, last.ban.user_id));
  }
}

export class SqlInviteRepository extends SqlRepository implements InviteRepository {
  async insert(invite: InviteRow): Promise<void> {
    await this.db.insertInto('invites').values(invite).execute();
  }

  async find(code: string): Promise<InviteRow | undefined> {
    return this.db.selectFrom('invites').selectAll().where('code', '=', code).executeTakeFirst();
  }

  async use(code: string, now: string): Promise<boolean> {
    // One conditional UPDATE: concurrent accepts of a single-use invite cannot both succeed.
    const r = await this.db
      .updateTable('invites')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('code', '=', code)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async countUsable(roomId: string, now: string): Promise<number> {
    const r = await this.db
      .selectFrom('invites')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('room_id', '=', roomId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async listUsable(roomId: string, now: string, page: PageRequest): Promise<Page<InviteRow>> {
    const after = decodeKey(page.cursor, ['time', 'text'] as const);
    let q = this.db
      .selectFrom('invites')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]));
    if (after) {
      const [at, code] = after;
      q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('code', '>', code)])]));
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('code')
      .limit(page.limit + 1)
      .execute();
    return pageFrom(rows, page.limit, (last) => encodeKey([last.created_at, last.code]));
  }

  async revoke(code: string, now: string): Promise<void> {
    await this.db.updateTable('invites').set({ revoked_at: now }).where('code', '=', code).where('revoked_at', 'is', null).execute();
  }
}

export class SqlBlockRepository extends SqlRepository implements BlockRepository {
  async block(blockerId: string, blockedId: string, at: string): Promise<void> {
    await this.db
      .insertInto('blocks')
      .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: at })
      .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
      .execute();
  }

  async unblock(blockerId: string, blockedId: string): Promise<void> {
    await this.db.deleteFrom('blocks').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).execute();
  }

  async between(a: string, b: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('blocks')
      .select('blocker_id')
      .where((eb) =>
        eb.or([eb.and([eb('blocker_id', '=', a), eb('blocked_id', '=', b)]), eb.and([eb('blocker_id', '=', b), eb('blocked_id', '=', a)])]),
      )
      .executeTakeFirst();
    return r !== undefined;
  }

  async blockersOf(blockedId: string, among: string[]): Promise<string[]> {
    if (among.length === 0) return [];
    const rows = await this.db
      .selectFrom('blocks')
      .select('blocker_id')
      .where('blocked_id', '=', blockedId)
      .where('blocker_id', 'in', [...new Set(among)])
      .execute();
    return rows.map((r) => r.blocker_id);
  }

  async list(blockerId: string, page: PageRequest): Promise<Page<{ user: UserRow; blocked_at: string }>> {
    const after = decodeCursor(page.cursor);
    let q = this.db
      .selectFrom('blocks')
      .innerJoin('users', 'users.id', 'blocks.blocked_id')
      .selectAll('users')
      .select('blocks.created_at as blocked_at')
      .where('blocks.blocker_id', '=', blockerId)
      .where(ACTIVE_USER);
    if (after)
      q = q.where((eb) =>
        eb.or([
          eb('blocks.created_at', '<', after.at),
          eb.and([eb('blocks.created_at', '=', after.at), eb('blocks.blocked_id', '<', after.id)]),
        ]),
      );
    const rows = await q
      .orderBy('blocks.created_at', 'desc')
      .orderBy('blocks.blocked_id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.map(({ blocked_at, ...u }) => ({ user: toUser(u), blocked_at }));
    return pageFrom(items, page.limit, (last) => encodeCursor(last.blocked_at, last.user.id));
  }
}
