import type { DomainEvent, RoomEventType } from '../../events/events.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { MembershipRow, RoomRow } from '../../store/room-types.ts';
import type { UserRow } from '../../store/types.ts';

/** Room events that change neither the room's row nor anyone's membership: they leave entries alone. */
const KEEPS_ACCESS: ReadonlySet<RoomEventType> = new Set<RoomEventType>([
  'message_created',
  'message_updated',
  'message_deleted',
  'reaction_added',
  'reaction_removed',
  'message_pinned',
  'message_unpinned',
  'read_updated',
  'user_typing',
]);

/** How long an entry serves without a new check against the database, should an event be lost. */
const ACCESS_TTL_MS = 30_000;
/**
 * How long a sender's row (its name and avatar in the live message event) is reused. Profile
 * changes publish no event, so this bounds how long a renamed sender's new messages still carry
 * the old name live (history always shows the current one).
 */
const SENDER_TTL_MS = 2_000;
/** Entries kept at most; past it the cache starts over (a node rarely has this many active senders). */
const MAX_ENTRIES = 50_000;

interface AccessEntry {
  room: RoomRow;
  membership: MembershipRow | undefined;
  at: number;
}

/**
 * What a send last learned about its room and its sender, per node: the room's row and the
 * sender's membership (from the last full check) and the sender's own row. Reading them again on
 * every send was three of a send's seven statements, and the largest share of its database time.
 *
 * An entry is only a hint for the checks made before the transaction (which error comes first,
 * the @room rights): the send's transaction re-reads the membership after taking the room's seq
 * and refuses an archived room in that same statement, so a send racing a ban, a removal or an
 * archive is decided by the database, never by this cache. Entries are dropped on the room's
 * membership and room events, as they arrive through the bus, and expire after ACCESS_TTL_MS.
 */
export class SendAccessCache {
  private readonly rooms = new Map<string, Map<string, AccessEntry>>();
  private readonly senders = new Map<string, { user: UserRow; at: number }>();
  private size = 0;

  /** Subscribed for the bus's lifetime (the service's). */
  constructor(bus: EventBus) {
    bus.subscribe((e) => this.onEvent(e));
  }

  access(roomId: string, userId: string, nowMs: number): AccessEntry | undefined {
    const e = this.rooms.get(roomId)?.get(userId);
    return e && nowMs - e.at < ACCESS_TTL_MS ? e : undefined;
  }

  rememberAccess(roomId: string, userId: string, room: RoomRow, membership: MembershipRow | undefined, nowMs: number): void {
    if (this.size >= MAX_ENTRIES) this.clear();
    let users = this.rooms.get(roomId);
    if (!users) this.rooms.set(roomId, (users = new Map()));
    if (!users.has(userId)) this.size++;
    users.set(userId, { room, membership, at: nowMs });
  }

  sender(userId: string, nowMs: number): UserRow | undefined {
    const s = this.senders.get(userId);
    return s && nowMs - s.at < SENDER_TTL_MS ? s.user : undefined;
  }

  rememberSender(user: UserRow, nowMs: number): void {
    if (this.senders.size >= MAX_ENTRIES) this.senders.clear();
    this.senders.set(user.id, { user, at: nowMs });
  }

  /** Drops what is known of one room (a send found the cache wrong, or the room changed). */
  forgetRoom(roomId: string): void {
    const users = this.rooms.get(roomId);
    if (!users) return;
    this.size -= users.size;
    this.rooms.delete(roomId);
  }

  private clear(): void {
    this.rooms.clear();
    this.size = 0;
  }

  private onEvent(e: DomainEvent): void {
    if (e.kind === 'room') {
      if (!KEEPS_ACCESS.has(e.type)) this.forgetRoom(e.room_id);
    } else if (e.kind === 'user' && e.type === 'session_revoked') {
      this.senders.delete(e.user_id);
    }
  }
}
