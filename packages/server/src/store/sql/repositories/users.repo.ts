import { sql, type Kysely, type Updateable } from 'kysely';
import { DomainError } from '../../../domain/errors.ts';
import type { UserRepository } from '../../store.ts';
import { decodeKey, encodeKey } from '../../cursor.ts';
import { pageFrom, type NewUser, type Page, type PageRequest, type ProfileFieldRow, type UserPatch, type UserRow } from '../../types.ts';
import type { SqlDialect } from '../dialects/dialect.ts';
import type { DB, UsersTable } from '../schema.ts';
import { toUser } from './mappers.ts';
import { prepared } from './prepared.ts';
import { escapeLike } from './sql-helpers.ts';
import { SqlRepository } from './sql-repository.ts';

const userById = prepared((db, id: string) => db.selectFrom('users').selectAll().where('id', '=', id));

// SQLite's LIKE has no escape character unless told; say it on both databases.
const likePrefix = (column: 'username' | 'search_name', pattern: string) => sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;

/** PostgreSQL advisory lock taken by a signup that may be the first (any constant of our own). */
const FIRST_ACCOUNT_LOCK = 0x526f6f6d; // "Room"

/** Guest accounts of the gateways (issue 18) are not accounts of the server's people: they never make the first admin. */
const NOT_GUEST = sql<boolean>`not exists (select 1 from guests where guests.user_id = users.id)`;

const usernameTaken = () => new DomainError('username_taken', 'That username is taken.');

export class SqlUserRepository extends SqlRepository implements UserRepository {
  private readonly dialect: SqlDialect;

  constructor(db: Kysely<DB>, dialect: SqlDialect) {
    super(db);
    this.dialect = dialect;
  }

  async insert(user: NewUser): Promise<UserRow> {
    // The lock below lasts as long as the transaction: outside one, make one.
    if (this.dialect.name === 'postgres' && !this.db.isTransaction)
      return this.db.transaction().execute((trx) => new SqlUserRepository(trx, this.dialect).insert(user));
    try {
      // The first account becomes a server admin: decided in the same statement as the insert.
      if (this.dialect.name === 'postgres') await this.serializeFirstAccounts();
      const row = await this.db
        .insertInto('users')
        .values({
          ...user,
          search_name: user.display_name.toLowerCase(),
          is_admin: sql<number>`(case when exists (select 1 from users where ${NOT_GUEST}) then 0 else 1 end)`,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) throw usernameTaken();
      throw err;
    }
  }

  /**
   * On PostgreSQL (read committed) two signups on an empty server each see no account in their
   * insert and both became admins. While the table looks empty, a signup takes a lock held until
   * its transaction ends: a second one waits, and its insert (a new snapshot) sees the first
   * account. Once any account exists this is one index probe. SQLite runs one writer at a time.
   */
  private async serializeFirstAccounts(): Promise<void> {
    const any = await this.db.selectFrom('users').select('id').where(NOT_GUEST).limit(1).executeTakeFirst();
    if (!any) await sql`select pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK})`.execute(this.db);
  }

  async lock(id: string): Promise<void> {
    // SQLite runs one write transaction at a time: there is nothing to wait for. On PostgreSQL, NO KEY:
    // the rows this transaction inserts that point here (rooms.created_by, memberships.user_id) take KEY SHARE on this row,
    // which a plain FOR UPDATE would wait on (two such transactions deadlocked).
    if (this.dialect.name === 'postgres') await this.db.selectFrom('users').select('id').where('id', '=', id).forNoKeyUpdate().execute();
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const r = (await userById(this.db, id)).rows[0];
    return r && toUser(r);
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return r && toUser(r);
  }

  async hasAny(): Promise<boolean> {
    return (await this.db.selectFrom('users').select('id').where(NOT_GUEST).limit(1).executeTakeFirst()) !== undefined;
  }

  async findByEmail(email: string, limit: number): Promise<UserRow[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .where('deleted_at', 'is', null)
      // Never-seen accounts (null last_seen) last, on both databases.
      .orderBy(sql`case when last_seen is null then 1 else 0 end`)
      .orderBy('last_seen', 'desc')
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toUser);
  }

  async findByIds(ids: string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return rows.map(toUser);
  }

  async findByUsernames(usernames: string[]): Promise<UserRow[]> {
    if (usernames.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', 'in', [...new Set(usernames)])
      .where('deactivated_at', 'is', null)
      .execute();
    return rows.map(toUser);
  }

  async update(id: string, patch: UserPatch): Promise<UserRow | undefined> {
    const { is_admin, ...rest } = patch;
    const values: Updateable<UsersTable> = { ...rest };
    if (is_admin !== undefined) values.is_admin = is_admin ? 1 : 0;
    if (patch.display_name !== undefined) values.search_name = patch.display_name.toLowerCase();
    if (Object.keys(values).length === 0) return this.findById(id);
    try {
      const r = await this.db.updateTable('users').set(values).where('id', '=', id).returningAll().executeTakeFirst();
      return r && toUser(r);
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) throw usernameTaken();
      throw err;
    }
  }

  async bumpTokenVersion(id: string): Promise<number> {
    const r = await this.db
      .updateTable('users')
      .set((eb) => ({ token_version: eb('token_version', '+', 1) }))
      .where('id', '=', id)
      .returning('token_version')
      .executeTakeFirstOrThrow();
    return r.token_version;
  }

  async search(prefix: string, page: PageRequest): Promise<Page<UserRow>> {
    const pattern = `${escapeLike(prefix.toLowerCase())}%`;
    // The sort key is (length, username); the username alone (unique, a-z0-9_) gives both back.
    const after = decodeKey(page.cursor, ['text'] as const)?.[0];
    let q = this.db
      .selectFrom('users')
      .selectAll()
      .where('deactivated_at', 'is', null)
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([likePrefix('username', pattern), likePrefix('search_name', pattern)]));
    if (after !== undefined) {
      const len = sql<number>`length(username)`;
      q = q.where((eb) => eb.or([eb(len, '>', after.length), eb.and([eb(len, '=', after.length), eb('username', '>', after)])]));
    }
    const rows = await q
      // Exact and shorter usernames first: "al" finds "al" before "alexandra".
      .orderBy((eb) => eb.fn('length', ['username']))
      .orderBy('username')
      .limit(page.limit + 1)
      .execute();
    return pageFrom(rows.map(toUser), page.limit, (last) => encodeKey([last.username ?? '']));
  }

  async listPurgeable(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('users')
      .select('id')
      .where('purge_after', '<=', now)
      .where('deleted_at', 'is', null)
      .orderBy('purge_after')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async purge(id: string, now: string): Promise<void> {
    await this.db.deleteFrom('profile_fields').where('user_id', '=', id).execute();
    await this.db
      .deleteFrom('follows')
      .where((eb) => eb.or([eb('follower_id', '=', id), eb('followee_id', '=', id)]))
      .execute();
    await this.db.deleteFrom('ws_tickets').where('user_id', '=', id).execute();
    await this.db
      .updateTable('users')
      .set((eb) => ({
        username: null,
        email: null,
        password_hash: null,
        display_name: 'Deleted user',
        search_name: '',
        avatar_url: null,
        bio: null,
        website: null,
        status_message: null,
        last_seen: null,
        is_admin: 0,
        purge_after: null,
        deleted_at: now,
        token_version: eb('token_version', '+', 1),
      }))
      .where('id', '=', id)
      .execute();
  }

  async getProfile(userId: string): Promise<ProfileFieldRow[]> {
    const rows = await this.db
      .selectFrom('profile_fields')
      .select(['field', 'value', 'visibility'])
      .where('user_id', '=', userId)
      .orderBy('field')
      .execute();
    return rows.map((r) => ({
      field: r.field,
      value: r.value === null ? null : (JSON.parse(r.value) as unknown),
      visibility: r.visibility as ProfileFieldRow['visibility'],
    }));
  }

  async setProfile(userId: string, fields: ProfileFieldRow[]): Promise<void> {
    for (const f of fields) {
      const value = f.value === null || f.value === undefined ? null : JSON.stringify(f.value);
      await this.db
        .insertInto('profile_fields')
        .values({ user_id: userId, field: f.field, value, visibility: f.visibility })
        .onConflict((oc) => oc.columns(['user_id', 'field']).doUpdateSet({ value, visibility: f.visibility }))
        .execute();
    }
  }

  async isMate(ownerId: string, readerId: string): Promise<boolean> {
    const follows = this.db
      .selectFrom('follows')
      .select('follower_id as x')
      .where('follower_id', '=', readerId)
      .where('followee_id', '=', ownerId);
    const shares = this.db
      .selectFrom('memberships as a')
      .innerJoin('memberships as b', 'b.room_id', 'a.room_id')
      .select('a.user_id as x')
      .where('a.user_id', '=', ownerId)
      .where('b.user_id', '=', readerId);
    const r = await follows.union(shares).limit(1).executeTakeFirst();
    return r !== undefined;
  }

  async setAdmin(id: string, isAdmin: boolean): Promise<boolean> {
    const r = await this.db
      .updateTable('users')
      .set({ is_admin: isAdmin ? 1 : 0 })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
