import type { ServerLimits } from '@rooms/protocol';
import { attachmentsApi } from './api/attachments.ts';
import { authApi } from './api/auth.ts';
import { invitesApi, membersApi } from './api/members.ts';
import { messagesApi } from './api/messages.ts';
import { notificationsApi, presenceApi } from './api/notifications.ts';
import { roomsApi } from './api/rooms.ts';
import { searchApi } from './api/search.ts';
import { usersApi } from './api/users.ts';
import { counsellorsApi, reportsApi, roomLikesApi } from './api/core-features.ts';
import { adminApi } from './api/admin.ts';
import { Http, type HttpOptions } from './http.ts';
import { LiveConnection, type LiveOptions } from './live/connection.ts';

/**
 * The Rooms API from code: one object per resource, each call typed from the protocol's schemas,
 * every failure a RoomsApiError. `live()` opens the real-time connection with the same token.
 *
 *   const rooms = new RoomsClient({ baseUrl: 'http://localhost:8080' });
 *   await rooms.auth.login({ username: 'alice', password: '…' });
 *   const live = rooms.live(); live.start();
 *   await live.send(roomId, 'hello');
 */
export class RoomsClient {
  readonly http: Http;
  readonly auth: ReturnType<typeof authApi>;
  readonly users: ReturnType<typeof usersApi>;
  readonly rooms: ReturnType<typeof roomsApi>;
  readonly members: ReturnType<typeof membersApi>;
  readonly invites: ReturnType<typeof invitesApi>;
  readonly messages: ReturnType<typeof messagesApi>;
  readonly notifications: ReturnType<typeof notificationsApi>;
  readonly presence: ReturnType<typeof presenceApi>;
  readonly attachments: ReturnType<typeof attachmentsApi>;
  /** Messages I can read that match a query: `search('deploy from:bob', { roomId, limit, cursor, sort })`. */
  readonly search: ReturnType<typeof searchApi>;
  readonly reports: ReturnType<typeof reportsApi>;
  readonly roomLikes: ReturnType<typeof roomLikesApi>;
  readonly counsellors: ReturnType<typeof counsellorsApi>;
  /** Server admins: deactivate accounts, read the moderation audit log. */
  readonly admin: ReturnType<typeof adminApi>;

  constructor(opts: HttpOptions) {
    this.http = new Http(opts);
    this.auth = authApi(this.http);
    this.users = usersApi(this.http);
    this.rooms = roomsApi(this.http);
    this.members = membersApi(this.http);
    this.invites = invitesApi(this.http);
    this.messages = messagesApi(this.http);
    this.notifications = notificationsApi(this.http);
    this.presence = presenceApi(this.http);
    this.attachments = attachmentsApi(this.http);
    this.search = searchApi(this.http);
    this.reports = reportsApi(this.http);
    this.roomLikes = roomLikesApi(this.http);
    this.counsellors = counsellorsApi(this.http);
    this.admin = adminApi(this.http);
  }

  get token(): string | undefined {
    return this.http.token;
  }

  /** The server's configured limits (lengths, windows, rates): for form hints and counters; needs no sign-in. */
  limits(): Promise<ServerLimits> {
    return this.http.get<ServerLimits>('/limits');
  }

  set token(token: string | undefined) {
    this.http.token = token;
  }

  /** A live connection with this client's token; call start() on it. */
  live(opts: LiveOptions = {}): LiveConnection {
    return new LiveConnection(this.http, opts);
  }

  /** Liveness of the server (no token needed). */
  health(): Promise<{ status: string }> {
    return this.http.get('/healthz');
  }
}
