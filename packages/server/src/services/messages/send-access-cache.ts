import type { DomainEvent, RoomEventType } from '../../events/events.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { MembershipRow, RoomRow } from '../../store/room-types.ts';
import type { UserRow } from '../../store/types.ts';
import type { RoomAccess } from '../rooms/room-access.ts';

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
  'delivered_updated',
]);

/** How long an entry serves without a new check against the database, should an event be lost. */
const ACCESS_TTL_MS = 30_000;
/**
 * How long a sender's row (its name and avatar in the live message event) is reused. A change of
 * name, username or avatar drops it at once (profile_changed, on every node); this only bounds
 * how long a lost event could leave a renamed sender's live messages under the old name (history
 * always shows the current one). At 2 s a sender who wrote less often than that was read again
 * for every message: with 10,000 senders, the costliest statement of a send.
 */
const SENDER_TTL_MS = 60_000;
/** Sender-in-room entries kept at most (a membership row each, ~0.4 KB); past it the cache starts over. */
const MAX_ENTRIES = 50_000;
/** Sender rows kept at most (~1 KB each); past it they start over (only the last SENDER_TTL_MS of senders matter). */
const MAX_SENDERS = 20_000;

/** One room: its row (the latest read, shared by its members' entries) and each sender's membership. */
interface RoomEntry {
  room: RoomRow;
  members: Map<string, { membership: MembershipRow | undefined; at: number }>;
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
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly senders = new Map<string, { user: UserRow; at: number }>();
  private size = 0;

  /** Subscribed for the bus's lifetime (the service's). */
  constructor(bus: EventBus) {
    bus.subscribe((e) => this.onEvent(e));
  }

  access(roomId: string, userId: string, nowMs: number): RoomAccess | undefined {
    const r = this.rooms.get(roomId);
    const m = r?.members.get(userId);
    return m && nowMs - m.at < ACCESS_TTL_MS ? { room: r!.room, membership: m.membership } : undefined;
  }

  rememberAccess(roomId: string, userId: string, room: RoomRow, membership: MembershipRow | undefined, nowMs: number): void {
    if (this.size >= MAX_ENTRIES) this.clear();
    let r = this.rooms.get(roomId);
    if (r) r.room = room;
    else this.rooms.set(roomId, (r = { room, members: new Map() }));
    if (!r.members.has(userId)) this.size++;
    r.members.set(userId, { membership, at: nowMs });
  }

  sender(userId: string, nowMs: number): UserRow | undefined {
    const s = this.senders.get(userId);
    return s && nowMs - s.at < SENDER_TTL_MS ? s.user : undefined;
  }

  rememberSender(user: UserRow, nowMs: number): void {
    if (this.senders.size >= MAX_SENDERS) this.senders.clear();
    this.senders.set(user.id, { user, at: nowMs });
  }

  /** Drops what is known of one room (a send found the cache wrong, or the room changed). */
  forgetRoom(roomId: string): void {
    const r = this.rooms.get(roomId);
    if (!r) return;
    this.size -= r.members.size;
    this.rooms.delete(roomId);
  }

  private clear(): void {
    this.rooms.clear();
    this.size = 0;
  }

  private onEvent(e: DomainEvent): void {
    if (e.kind === 'room') {
      if (!KEEPS_ACCESS.has(e.type)) this.forgetRoom(e.room_id);
    } else if (e.kind === 'user' && (e.type === 'session_revoked' || e.type === 'profile_changed')) {
      this.senders.delete(e.user_id);
    }
  }
}
