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

/**
 * The Store over Kysely; the same code runs on SQLite and PostgreSQL. Each transaction gets a
 * store of its own, so its repositories are built when first used: a send uses four of the 22,
 * and building them all was ~3 % of a send's CPU (12 µs at 200 msg/s).
 */
export class SqlStore implements Store {
  private readonly sqlDialect: SqlDialect;
  private readonly db: Kysely<DB>;
  private readonly inTransaction: boolean;
  /** SQLite's one connection runs transactions one at a time: those that queue commit together. */
  private readonly group: GroupCommit | undefined;
  /** SQLite: new messages wait here for the search index (see search-queue.ts); one per store, shared by its transactions. */
  private readonly searchQueue: SearchQueue | undefined;
  private repo_users: UserRepository | undefined;
  private repo_follows: FollowRepository | undefined;
  private repo_tickets: TicketRepository | undefined;
  private repo_jobLocks: JobLockRepository | undefined;
  private repo_rooms: RoomRepository | undefined;
  private repo_members: MembershipRepository | undefined;
  private repo_bans: BanRepository | undefined;
  private repo_invites: InviteRepository | undefined;
  private repo_blocks: BlockRepository | undefined;
  private repo_messages: MessageRepository | undefined;
  private repo_reactions: ReactionRepository | undefined;
  private repo_pins: PinRepository | undefined;
  private repo_events: RoomEventRepository | undefined;
  private repo_notifications: NotificationRepository | undefined;
  private repo_attachments: AttachmentRepository | undefined;
  private repo_roomLikes: RoomLikeRepository | undefined;
  private repo_guests: GuestRepository | undefined;
  private repo_counsellors: CounsellorRepository | undefined;
  private repo_reports: ReportRepository | undefined;
  private repo_sessions: SessionRepository | undefined;
  private repo_signingKeys: SigningKeyRepository | undefined;
  private repo_audit: AuditRepository | undefined;

  constructor(sqlDialect: SqlDialect, db: Kysely<DB> = sqlDialect.db, inTransaction = false, searchQueue?: SearchQueue) {
    this.sqlDialect = sqlDialect;
    this.db = db;
    this.inTransaction = inTransaction;
    this.group = !inTransaction && sqlDialect.groupCommit ? new GroupCommit(db, sqlDialect.groupCommit) : undefined;
    this.searchQueue =
      searchQueue ?? (!inTransaction && sqlDialect.searchIndexLater ? new SearchQueue(db, (fn) => this.write(fn)) : undefined);
  }

  get users(): UserRepository {
    return (this.repo_users ??= new SqlUserRepository(this.db, this.sqlDialect));
  }
  get follows(): FollowRepository {
    return (this.repo_follows ??= new SqlFollowRepository(this.db));
  }
  get tickets(): TicketRepository {
    return (this.repo_tickets ??= new SqlTicketRepository(this.db));
  }
  get jobLocks(): JobLockRepository {
    return (this.repo_jobLocks ??= new SqlJobLockRepository(this.db));
  }
  get rooms(): RoomRepository {
    return (this.repo_rooms ??= new SqlRoomRepository(this.db, this.sqlDialect));
  }
  get members(): MembershipRepository {
    return (this.repo_members ??= new SqlMembershipRepository(this.db));
  }
  get bans(): BanRepository {
    return (this.repo_bans ??= new SqlBanRepository(this.db));
  }
  get invites(): InviteRepository {
    return (this.repo_invites ??= new SqlInviteRepository(this.db));
  }
  get blocks(): BlockRepository {
    return (this.repo_blocks ??= new SqlBlockRepository(this.db));
  }
  get messages(): MessageRepository {
    return (this.repo_messages ??= new SqlMessageRepository(this.db, this.sqlDialect, this.searchQueue));
  }
  get reactions(): ReactionRepository {
    return (this.repo_reactions ??= new SqlReactionRepository(this.db));
  }
  get pins(): PinRepository {
    return (this.repo_pins ??= new SqlPinRepository(this.db));
  }
  get events(): RoomEventRepository {
    return (this.repo_events ??= new SqlRoomEventRepository(this.db));
  }
  get notifications(): NotificationRepository {
    return (this.repo_notifications ??= new SqlNotificationRepository(this.db));
  }
  get attachments(): AttachmentRepository {
    return (this.repo_attachments ??= new SqlAttachmentRepository(this.db));
  }
  get roomLikes(): RoomLikeRepository {
    return (this.repo_roomLikes ??= new SqlRoomLikeRepository(this.db));
  }
  get guests(): GuestRepository {
    return (this.repo_guests ??= new SqlGuestRepository(this.db));
  }
  get counsellors(): CounsellorRepository {
    return (this.repo_counsellors ??= new SqlCounsellorRepository(this.db));
  }
  get reports(): ReportRepository {
    return (this.repo_reports ??= new SqlReportRepository(this.db));
  }
  get sessions(): SessionRepository {
    return (this.repo_sessions ??= new SqlSessionRepository(this.db));
  }
  get signingKeys(): SigningKeyRepository {
    return (this.repo_signingKeys ??= new SqlSigningKeyRepository(this.db));
  }
  get audit(): AuditRepository {
    return (this.repo_audit ??= new SqlAuditRepository(this.db));
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
