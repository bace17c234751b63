import { sql, type Kysely } from 'kysely';
import type { Store } from '../store.ts';
import type { SqlDialect } from './dialects/dialect.ts';
import { GroupCommit } from './group-commit.ts';
import { loopBusyMeter } from './loop-busy.ts';
import { SearchQueue } from './search/search-queue.ts';
import { SqlAttachmentRepository } from './repositories/attachments.repo.ts';
import { SqlFollowRepository } from './repositories/follows.repo.ts';
import { SqlJobLockRepository } from './repositories/job-locks.repo.ts';
import { SqlMembershipRepository } from './repositories/memberships.repo.ts';
import { SqlMessageRepository, SqlPinRepository, SqlReactionRepository, SqlRoomEventRepository } from './repositories/messages.repo.ts';
import { SqlNotificationRepository } from './repositories/notifications.repo.ts';
import { SqlBanRepository, SqlBlockRepository, SqlInviteRepository } from './repositories/moderation.repo.ts';
import { SqlRoomRepository } from './repositories/rooms.repo.ts';
import { SqlTicketRepository } from './repositories/tickets.repo.ts';
import { SqlSessionRepository, SqlSigningKeyRepository } from './repositories/sessions.repo.ts';
import { SqlUserRepository } from './repositories/users.repo.ts';
import { SqlCounsellorRepository } from './repositories/counsellors.repo.ts';
import { SqlGuestRepository, SqlRoomLikeRepository } from './repositories/likes-guests.repo.ts';
import { SqlReportRepository } from './repositories/reports.repo.ts';
import type { DB } from './schema.ts';
import { SqlAuditRepository } from './repositories/audit.repo.ts';

type Repositories = Omit<Store, 'dialect' | 'transaction' | 'ping' | 'close'>;

/** How each repository is built, for a store's database handle (its transaction's, inside one). */
const REPOSITORIES: {
  [K in keyof Repositories]: (db: Kysely<DB>, dialect: SqlDialect, queue: SearchQueue | undefined) => Repositories[K];
} = {
  users: (db, d) => new SqlUserRepository(db, d),
  follows: (db) => new SqlFollowRepository(db),
  tickets: (db) => new SqlTicketRepository(db),
  jobLocks: (db) => new SqlJobLockRepository(db),
  rooms: (db, d) => new SqlRoomRepository(db, d),
  members: (db) => new SqlMembershipRepository(db),
  bans: (db) => new SqlBanRepository(db),
  invites: (db) => new SqlInviteRepository(db),
  blocks: (db) => new SqlBlockRepository(db),
  messages: (db, d, q) => new SqlMessageRepository(db, d, q),
  reactions: (db) => new SqlReactionRepository(db),
  pins: (db) => new SqlPinRepository(db),
  events: (db) => new SqlRoomEventRepository(db),
  notifications: (db) => new SqlNotificationRepository(db),
  attachments: (db) => new SqlAttachmentRepository(db),
  roomLikes: (db) => new SqlRoomLikeRepository(db),
  guests: (db) => new SqlGuestRepository(db),
  counsellors: (db) => new SqlCounsellorRepository(db),
  reports: (db) => new SqlReportRepository(db),
  sessions: (db) => new SqlSessionRepository(db),
  signingKeys: (db) => new SqlSigningKeyRepository(db),
  audit: (db) => new SqlAuditRepository(db),
};

// The repositories are getters on the prototype, defined in the class's static block below: the
// interface declares them, as a class field would shadow the getter.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface SqlStore extends Repositories {}

/**
 * The Store over Kysely; the same code runs on SQLite and PostgreSQL. Each transaction gets a
 * store of its own, so its repositories are built when first used: a send uses four of the 22,
 * and building them all was ~3 % of a send's CPU (12 µs at 200 msg/s).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SqlStore implements Store {
  private readonly sqlDialect: SqlDialect;
  private readonly db: Kysely<DB>;
  private readonly inTransaction: boolean;
  /** SQLite's one connection runs transactions one at a time: those that queue commit together. */
  private readonly group: GroupCommit | undefined;
  /** SQLite: new messages wait here for the search index (see search-queue.ts); one per store, shared by its transactions. */
  private readonly searchQueue: SearchQueue | undefined;
  /** The repositories built so far, each when first used. */
  private readonly built: Partial<Repositories> = {};

  constructor(sqlDialect: SqlDialect, db: Kysely<DB> = sqlDialect.db, inTransaction = false, searchQueue?: SearchQueue) {
    this.sqlDialect = sqlDialect;
    this.db = db;
    this.inTransaction = inTransaction;
    // One reading of the event loop's load for the writer's two batchers (group commit, search queue).
    const loopBusy = inTransaction ? undefined : loopBusyMeter();
    this.group = loopBusy && sqlDialect.groupCommit ? new GroupCommit(db, { ...sqlDialect.groupCommit, loopBusy }) : undefined;
    this.searchQueue =
      searchQueue ?? (loopBusy && sqlDialect.searchIndexLater ? new SearchQueue(db, (fn) => this.write(fn), loopBusy) : undefined);
  }

  static {
    for (const name of Object.keys(REPOSITORIES) as (keyof Repositories)[])
      Object.defineProperty(SqlStore.prototype, name, {
        get(this: SqlStore) {
          const built = this.built as Record<string, unknown>;
          return (built[name] ??= REPOSITORIES[name](this.db, this.sqlDialect, this.searchQueue));
        },
      });
  }

  get dialect(): 'sqlite' | 'postgres' {
    return this.sqlDialect.name;
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.write((trx) => fn(new SqlStore(this.sqlDialect, trx, true, this.searchQueue)));
  }

  /** A write transaction on the writer: in a group commit where the database has one writer. */
  private write<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    if (this.group) return this.group.run(fn);
    return this.db.transaction().execute(fn);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  close(): Promise<void> {
    this.searchQueue?.close();
    return this.sqlDialect.close();
  }
}
