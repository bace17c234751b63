import { sql, type Kysely } from 'kysely';
import type {
  AttachmentRepository,
  BanRepository,
  BlockRepository,
  FollowRepository,
  InviteRepository,
  JobLockRepository,
  MembershipRepository,
  MessageRepository,
  NotificationRepository,
  PinRepository,
  ReactionRepository,
  RoomEventRepository,
  RoomRepository,
  SessionRepository,
  SigningKeyRepository,
  Store,
  TicketRepository,
  UserRepository,
} from '../store.ts';
import type { CounsellorRepository, GuestRepository, ReportRepository, RoomLikeRepository } from '../core-features-store.ts';
import type { SqlDialect } from './dialects/dialect.ts';
import { GroupCommit } from './group-commit.ts';
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
import type { AuditRepository } from '../audit-types.ts';
import { SqlAuditRepository } from './repositories/audit.repo.ts';

/** The Store over Kysely; the same code runs on SQLite and PostgreSQL. */
export class SqlStore implements Store {
  readonly users: UserRepository;
  readonly follows: FollowRepository;
  readonly tickets: TicketRepository;
  readonly jobLocks: JobLockRepository;
  readonly rooms: RoomRepository;
  readonly members: MembershipRepository;
  readonly bans: BanRepository;
  readonly invites: InviteRepository;
  readonly blocks: BlockRepository;
  readonly messages: MessageRepository;
  readonly reactions: ReactionRepository;
  readonly pins: PinRepository;
  readonly events: RoomEventRepository;
  readonly notifications: NotificationRepository;
  readonly attachments: AttachmentRepository;
  readonly roomLikes: RoomLikeRepository;
  readonly guests: GuestRepository;
  readonly counsellors: CounsellorRepository;
  readonly reports: ReportRepository;
  readonly sessions: SessionRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly audit: AuditRepository;

  private readonly sqlDialect: SqlDialect;
  private readonly db: Kysely<DB>;
  private readonly inTransaction: boolean;
  /** SQLite's one connection runs transactions one at a time: those that queue commit together. */
  private readonly group: GroupCommit | undefined;
  /** SQLite: new messages wait here for the search index (see search-queue.ts); one per store, shared by its transactions. */
  private readonly searchQueue: SearchQueue | undefined;

  constructor(sqlDialect: SqlDialect, db: Kysely<DB> = sqlDialect.db, inTransaction = false, searchQueue?: SearchQueue) {
    this.sqlDialect = sqlDialect;
    this.db = db;
    this.inTransaction = inTransaction;
    this.group = !inTransaction && sqlDialect.groupCommit ? new GroupCommit(db, sqlDialect.groupCommit) : undefined;
    this.searchQueue =
      searchQueue ?? (!inTransaction && sqlDialect.searchIndexLater ? new SearchQueue(db, (fn) => this.write(fn)) : undefined);
    this.users = new SqlUserRepository(db, sqlDialect);
    this.follows = new SqlFollowRepository(db);
    this.tickets = new SqlTicketRepository(db);
    this.jobLocks = new SqlJobLockRepository(db);
    this.rooms = new SqlRoomRepository(db, sqlDialect);
    this.members = new SqlMembershipRepository(db);
    this.bans = new SqlBanRepository(db);
    this.invites = new SqlInviteRepository(db);
    this.blocks = new SqlBlockRepository(db);
    this.messages = new SqlMessageRepository(db, sqlDialect, this.searchQueue);
    this.reactions = new SqlReactionRepository(db);
    this.pins = new SqlPinRepository(db);
    this.events = new SqlRoomEventRepository(db);
    this.notifications = new SqlNotificationRepository(db);
    this.attachments = new SqlAttachmentRepository(db);
    this.roomLikes = new SqlRoomLikeRepository(db);
    this.guests = new SqlGuestRepository(db);
    this.counsellors = new SqlCounsellorRepository(db);
    this.reports = new SqlReportRepository(db);
    this.sessions = new SqlSessionRepository(db);
    this.signingKeys = new SqlSigningKeyRepository(db);
    this.audit = new SqlAuditRepository(db);
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
