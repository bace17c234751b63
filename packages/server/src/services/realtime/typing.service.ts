import type { Actor } from '../../domain/actor.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { BackgroundErrorHandler } from '../background.ts';
import { authorize } from '../rooms/room-access.ts';

const EXPIRE_MS = 5000;
/** A typist sends typing_start every keystroke burst; others hear of it at most this often. */
const REPEAT_MS = 3000;

interface TypingDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
  /** The expiry runs on a timer: it has no caller to fail to. */
  onBackgroundError?: BackgroundErrorHandler;
}

/** Typing indicators: ephemeral, expire 5 s after the last typing_start, seen by the other members only. */
export class TypingService {
  private readonly typing = new Map<string, { timer: NodeJS.Timeout; sentAt: number }>();
  private readonly d: Required<TypingDeps>;

  constructor(deps: TypingDeps) {
    this.d = { onBackgroundError: () => {}, ...deps };
  }

  async start(actor: Actor, roomId: string): Promise<{ expires_in_ms: number }> {
    await authorize(this.d.store, actor, roomId, 'send', this.d.clock.now());
    const key = `${roomId}:${actor.id}`;
    const now = Date.now();
    const current = this.typing.get(key);
    if (current) clearTimeout(current.timer);
    const timer = setTimeout(() => this.end(key, roomId, actor.id).catch((err: unknown) => this.d.onBackgroundError(err, 'typing: expiry')), EXPIRE_MS);
    timer.unref();
    const announce = !current || now - current.sentAt >= REPEAT_MS;
    this.typing.set(key, { timer, sentAt: announce ? now : current!.sentAt });
    if (announce) await this.publish(roomId, actor.id, true);
    return { expires_in_ms: EXPIRE_MS };
  }

  async stop(actor: Actor, roomId: string): Promise<{ expires_in_ms: number }> {
    await this.end(`${roomId}:${actor.id}`, roomId, actor.id);
    return { expires_in_ms: 0 };
  }

  close(): void {
    for (const t of this.typing.values()) clearTimeout(t.timer);
    this.typing.clear();
  }

  private async end(key: string, roomId: string, userId: string): Promise<void> {
    const current = this.typing.get(key);
    if (!current) return;
    clearTimeout(current.timer);
    this.typing.delete(key);
    await this.publish(roomId, userId, false);
  }

  private publish(roomId: string, userId: string, typing: boolean): Promise<void> {
    return this.d.bus.publish({ kind: 'room', room_id: roomId, type: 'user_typing', data: { room_id: roomId, user_id: userId, typing, expires_in_ms: typing ? EXPIRE_MS : 0 }, exclude: userId });
  }
}
