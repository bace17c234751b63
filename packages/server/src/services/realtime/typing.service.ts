import type { Actor } from '../../domain/actor.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { BackgroundErrorHandler } from '../background.ts';
import { authorize } from '../rooms/room-access.ts';

/** The default TYPING_TIMEOUT. */
const EXPIRE_MS = 5000;
/**
 * A typist sends typing_start every keystroke burst; others hear of it at most this often, and at
 * most every 60% of a shorter expiry, so that a continuing typist never blinks out at receivers.
 */
const REPEAT_MS = 3000;
/**
 * At most one "typing" announcement per (user, room) this often, whatever the typist sends (an
 * attack run turned 37,000 start/stop pairs in 5 s into 6,285 frames for every other member). A
 * start inside the interval is announced when it ends, if still typing; a stop goes out at once,
 * so nobody is left seeing "typing" after it stopped.
 */
const MIN_INTERVAL_MS = 1000;

interface TypingDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
  /** TYPING_TIMEOUT: how long an indicator lasts without a new keystroke (5 s by default). */
  expireMs?: number;
  /** The expiry and the deferred announcements run on timers: they have no caller to fail to. */
  onBackgroundError?: BackgroundErrorHandler;
}

/** One typist in one room. */
interface Typist {
  roomId: string;
  userId: string;
  /** What the typist says now (typing until stop, a sent message or the expiry). */
  typing: boolean;
  /** What the others were last told, and when. */
  announced: boolean;
  announcedAt: number;
  expiry: NodeJS.Timeout | undefined;
  /** Runs for MIN_INTERVAL_MS after each "typing" announcement; a start meanwhile waits for its end. */
  interval: NodeJS.Timeout | undefined;
}

/** Typing indicators: ephemeral, expire 5 s after the last typing_start, seen by the other members only. */
export class TypingService {
  private readonly typists = new Map<string, Typist>();
  /** Stops announced for someone not typing (stop's evenIfNotTyping), each remembered for MIN_INTERVAL_MS. */
  private readonly stopsAgain = new Map<string, NodeJS.Timeout>();
  private readonly d: Required<TypingDeps>;

  constructor(deps: TypingDeps) {
    this.d = { onBackgroundError: () => {}, expireMs: EXPIRE_MS, ...deps };
  }

  async start(actor: Actor, roomId: string): Promise<{ expires_in_ms: number }> {
    const { room } = await authorize(this.d.store, actor, roomId, 'send', this.d.clock.now());
    // Across a block (either way) the peer of a direct room never hears the typing (SPEC §8): the
    // typist is not told, as a typing indicator is only a hint.
    if (room.type === 'direct' && (await this.blockedInDirectRoom(roomId, actor.id))) return { expires_in_ms: this.d.expireMs };
    const key = `${roomId}:${actor.id}`;
    let t = this.typists.get(key);
    if (!t) {
      t = { roomId, userId: actor.id, typing: false, announced: false, announcedAt: 0, expiry: undefined, interval: undefined };
      this.typists.set(key, t);
    }
    clearTimeout(t.expiry);
    const typist = t;
    t.expiry = setTimeout(() => this.background(this.stopTyping(typist), 'typing: expiry'), this.d.expireMs);
    t.expiry.unref();
    // Still typing, and told long enough ago: say so again (receivers expire it after this.d.expireMs).
    const repeat = t.typing && t.announced && Date.now() - t.announcedAt >= Math.min(REPEAT_MS, this.d.expireMs * 0.6);
    t.typing = true;
    await this.announce(t, repeat);
    return { expires_in_ms: this.d.expireMs };
  }

  /**
   * The typist stopped. Others hear of it only if they were told it was typing: /ws clients say
   * typing_stop after every message they send, and an unconditional stop would double a room's
   * frames. With `evenIfNotTyping` (bubble's stop_typing, which its server relayed to the room
   * whatever came before) a stop from someone the room does not see typing is announced too, as
   * a member's action (the same access as a start), at most once a second per user and room.
   */
  async stop(actor: Actor, roomId: string, opts: { evenIfNotTyping?: boolean } = {}): Promise<{ expires_in_ms: number }> {
    const key = `${roomId}:${actor.id}`;
    const t = this.typists.get(key);
    if (t && (t.typing || t.announced)) await this.stopTyping(t);
    else if (opts.evenIfNotTyping) await this.stopAgain(actor, roomId, key);
    else if (t) await this.stopTyping(t);
    return { expires_in_ms: 0 };
  }

  close(): void {
    for (const t of this.typists.values()) {
      clearTimeout(t.expiry);
      clearTimeout(t.interval);
    }
    this.typists.clear();
    for (const timer of this.stopsAgain.values()) clearTimeout(timer);
    this.stopsAgain.clear();
  }

  /** A stop from someone not shown as typing (see stop): announced unless one was within MIN_INTERVAL_MS. */
  private async stopAgain(actor: Actor, roomId: string, key: string): Promise<void> {
    if (this.stopsAgain.has(key)) return;
    const { room } = await authorize(this.d.store, actor, roomId, 'send', this.d.clock.now());
    if (room.type === 'direct' && (await this.blockedInDirectRoom(roomId, actor.id))) return;
    if (this.stopsAgain.has(key)) return;
    const timer = setTimeout(() => this.stopsAgain.delete(key), MIN_INTERVAL_MS);
    timer.unref();
    this.stopsAgain.set(key, timer);
    await this.d.bus.publish({
      kind: 'room',
      room_id: roomId,
      type: 'user_typing',
      data: { room_id: roomId, user_id: actor.id, typing: false, expires_in_ms: 0 },
      exclude: actor.id,
    });
  }

  private stopTyping(t: Typist): Promise<void> {
    clearTimeout(t.expiry);
    t.expiry = undefined;
    t.typing = false;
    return this.announce(t, false);
  }

  /**
   * Tells the others the typist's state if it differs from what they were told (or again, when
   * repeat). Each "typing" announcement starts an interval of MIN_INTERVAL_MS in which no other
   * "typing" is sent; a start meanwhile is announced at its end if the typist is still typing then.
   * The end of typing is announced at once: so each interval carries two frames at most.
   */
  private async announce(t: Typist, repeat: boolean): Promise<void> {
    if (t.typing === t.announced && !repeat) return this.forgetIfIdle(t);
    if (t.typing && t.interval) return;
    const typing = t.typing;
    t.announced = typing;
    if (typing) {
      t.announcedAt = Date.now();
      t.interval = setTimeout(() => {
        t.interval = undefined;
        this.background(this.announce(t, false), 'typing: announcement after the interval');
      }, MIN_INTERVAL_MS);
      t.interval.unref();
    }
    if (!typing) this.forgetIfIdle(t);
    await this.d.bus.publish({
      kind: 'room',
      room_id: t.roomId,
      type: 'user_typing',
      data: { room_id: t.roomId, user_id: t.userId, typing, expires_in_ms: typing ? this.d.expireMs : 0 },
      exclude: t.userId,
    });
  }

  /** Neither typing nor shown as typing, and no interval running: nothing to remember. */
  private forgetIfIdle(t: Typist): void {
    const key = `${t.roomId}:${t.userId}`;
    if (!t.typing && !t.announced && !t.interval && this.typists.get(key) === t) this.typists.delete(key);
  }

  /** A direct room whose two members are separated by a block (either way): the peer never hears the typing (SPEC §8). */
  private async blockedInDirectRoom(roomId: string, userId: string): Promise<boolean> {
    const peer = (await this.d.store.members.peers([roomId], userId)).get(roomId);
    return peer !== undefined && (await this.d.store.blocks.between(userId, peer.id));
  }

  private background(work: Promise<void>, what: string): void {
    work.catch((err: unknown) => this.d.onBackgroundError(err, what));
  }
}
