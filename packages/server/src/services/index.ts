import type { ServerLimits } from '@rooms/protocol';
import type { LoginGuard } from '../ports/login-guard.ts';
import type { EventBus } from '../ports/bus.ts';
import type { Clock } from '../ports/clock.ts';
import type { PresenceStore } from '../ports/presence-store.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { RateLimiter } from '../ports/rate-limiter.ts';
import type { Scanner } from '../ports/scanner.ts';
import type { Store } from '../store/store.ts';
import { AttachmentsService, type MediaTools } from './attachments/attachments.service.ts';
import { UrlSigner } from './attachments/signed-urls.ts';
import { AccountsService } from './accounts/accounts.service.ts';
import { PasswordHasher } from './accounts/passwords.ts';
import { SignupGate, type SignupMode } from './accounts/signup-gate.ts';
import { TokenService } from './accounts/tokens.ts';
import { SessionActivity } from './accounts/session-activity.ts';
import type { KeyRing } from './accounts/signing-keys.ts';
import { MessagesService } from './messages/messages.service.ts';
import { PinsService } from './messages/pins.service.ts';
import { ReactionsService } from './messages/reactions.service.ts';
import { ReadsService } from './messages/reads.service.ts';
import { NotificationsService } from './notifications/notifications.service.ts';
import { BroadcastService } from './realtime/broadcast.service.ts';
import { PresenceService } from './realtime/presence.service.ts';
import { TypingService } from './realtime/typing.service.ts';
import { LiveSessionsService } from './realtime/live-sessions.service.ts';
import { InvitesService } from './rooms/invites.service.ts';
import { MembersService } from './rooms/members.service.ts';
import { RoomsService } from './rooms/rooms.service.ts';
import { BlocksService } from './users/blocks.service.ts';
import { UsersService } from './users/users.service.ts';
import type { BackgroundErrorHandler } from './background.ts';
import type { RoomCaps } from './rooms/caps.ts';
import { SearchService } from './search/search.service.ts';
import { CounsellorsService } from './counsellors/counsellors.service.ts';
import { GuestsService } from './guests/guests.service.ts';
import { ReportsService } from './reports/reports.service.ts';
import { RoomLikesService } from './rooms/likes.service.ts';
import { DirectSendService } from './messages/direct-send.service.ts';
import { RoomVisibilityService } from './rooms/room-visibility.ts';

/** Every use case, one object per resource. Transports (REST, WebSocket, gateways) call these and nothing below. */
import { AuditService } from './audit/audit.service.ts';
export interface Services {
  accounts: AccountsService;
  users: UsersService;
  blocks: BlocksService;
  rooms: RoomsService;
  members: MembersService;
  invites: InvitesService;
  messages: MessagesService;
  reactions: ReactionsService;
  pins: PinsService;
  reads: ReadsService;
  typing: TypingService;
  live: LiveSessionsService;
  presence: PresenceService;
  broadcasts: BroadcastService;
  notifications: NotificationsService;
  attachments: AttachmentsService;
  search: SearchService;
  // Core features for the gateways (issue 18).
  roomLikes: RoomLikesService;
  guests: GuestsService;
  counsellors: CounsellorsService;
  reports: ReportsService;
  /** The moderation audit log (issue 19). */
  audit: AuditService;
  /** Messaging a user in one call, and hiding direct rooms from one's list (issue 19). */
  directSend: DirectSendService;
  roomVisibility: RoomVisibilityService;
}

export interface ServiceDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
  loginGuard: LoginGuard;
  messageRate: RateLimiter;
  loginIpRate: RateLimiter;
  signupIpRate: RateLimiter;
  presence: PresenceStore;
  /** The server's base secret (attachment URL signatures). */
  jwtSecret: string;
  /** The keys session tokens are signed and verified with. */
  keys: KeyRing;
  tokenTtlSeconds: number;
  bcryptCost: number;
  /** Password hashes at once, and how many may wait (see PasswordHasher). */
  passwordHashing: { concurrency: number; maxWaiting: number };
  signupMode: SignupMode;
  setupToken: string;
  emailLoginMaxAccounts: number;
  deactivationDays: number;
  categories: readonly string[];
  editWindowSeconds: number;
  /** The configured limits of SPEC §12 (GET /limits). */
  limits: ServerLimits;
  notificationRetentionDays: number;
  /** What one user may own and join, and one room's usable invites (MAX_OWNED_ROOMS, MAX_JOINED_ROOMS, MAX_ROOM_INVITES). */
  caps: RoomCaps;
  /** Uploads: the ports, the file tools and the limits (ATTACHMENT_* config). */
  files: {
    blobs: BlobStore;
    scanner: Scanner;
    media: MediaTools;
    uploadRate: RateLimiter;
    tmpDir: string;
    maxBytes: number;
    quotaBytes: number;
    unpostedTtlSeconds: number;
    urlTtlSeconds: number;
  };
  /** Core features for the gateways (issue 18): GUEST_IDLE_DAYS, and reports per user (REPORT_RATE_*). */
  coreFeatures: { guestIdleDays: number; reportRate: RateLimiter };
  /** Failures of work a service started on its own (timers); the server logs them. */
  onBackgroundError?: BackgroundErrorHandler;
  /** Message search: searches per user (SEARCH_RATE_*) and the time one may take (SEARCH_TIME_BUDGET_MS). */
  search: { rate: RateLimiter; budgetMs: number };
}

export function createServices(d: ServiceDeps): Services {
  const { store, bus, clock } = d;
  const background = d.onBackgroundError ? { onBackgroundError: d.onBackgroundError } : {};
  const { urlTtlSeconds, ...files } = d.files;
  const attachments = new AttachmentsService({
    store,
    clock,
    ...files,
    signer: new UrlSigner(d.jwtSecret, clock, urlTtlSeconds),
    ...background,
  });
  const { limits } = d;
  const rooms = new RoomsService({ store, bus, clock, categories: d.categories, caps: d.caps, attachments, limits });
  const invites = new InvitesService({ store, bus, clock, rooms, caps: d.caps, defaultExpirySeconds: limits.invite_default_seconds });
  const accounts = new AccountsService({
    store,
    hasher: new PasswordHasher({ cost: d.bcryptCost, ...d.passwordHashing }),
    tokens: new TokenService(d.keys, d.tokenTtlSeconds, clock),
    loginGuard: d.loginGuard,
    loginIpRate: d.loginIpRate,
    signupIpRate: d.signupIpRate,
    signupGate: new SignupGate(d.signupMode, d.setupToken),
    invites,
    clock,
    bus,
    deactivationDays: d.deactivationDays,
    emailLoginMaxAccounts: d.emailLoginMaxAccounts,
    limits,
    activity: new SessionActivity(store, clock, (err) => d.onBackgroundError?.(err, 'recording when sessions were last used')),
  });
  const messages = new MessagesService({
    store,
    bus,
    clock,
    rateLimiter: d.messageRate,
    editWindowSeconds: d.editWindowSeconds,
    maxLength: limits.message.max,
    attachments,
  });
  const coreFeatures = {
    roomLikes: new RoomLikesService({ store, clock, attachments }),
    guests: new GuestsService({ store, clock, idleDays: d.coreFeatures.guestIdleDays }),
    counsellors: new CounsellorsService({ store, bus, clock, caps: d.caps, rooms }),
    reports: new ReportsService({ store, clock, rateLimiter: d.coreFeatures.reportRate, messages }),
  };
  return {
    ...coreFeatures,
    accounts,
    users: new UsersService({ store, clock, bus, limits }),
    blocks: new BlocksService({ store, clock }),
    rooms,
    members: new MembersService({ store, bus, clock, caps: d.caps }),
    invites,
    messages,
    reactions: new ReactionsService({ store, bus, clock, messages }),
    pins: new PinsService({ store, bus, clock, messages, attachments }),
    reads: new ReadsService({ store, bus, clock, messages }),
    live: new LiveSessionsService({ store, clock, bus, attachments }),
    typing: new TypingService({ store, bus, clock, expireMs: limits.typing_seconds * 1000, ...background }),
    presence: new PresenceService({
      store,
      presence: d.presence,
      bus,
      clock,
      awayAfterMs: limits.away_after_seconds * 1000,
      ...background,
    }),
    broadcasts: new BroadcastService({
      store,
      bus,
      clock,
      presence: d.presence,
      rateLimiter: d.messageRate,
      maxLength: limits.message.max,
    }),
    notifications: new NotificationsService({ store, clock, retentionDays: d.notificationRetentionDays }),
    attachments,
    search: new SearchService({ store, clock, attachments, rate: d.search.rate, budgetMs: d.search.budgetMs }),
    audit: new AuditService({ store }),
    directSend: new DirectSendService({ store, clock, caps: d.caps, messages }),
    roomVisibility: new RoomVisibilityService({ store, bus, clock }),
  };
}
