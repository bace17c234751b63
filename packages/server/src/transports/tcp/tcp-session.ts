import { ServerEvents, type EventMessage } from '@rooms/protocol';
import type { Logger } from 'pino';
import type { Actor } from '../../domain/actor.ts';
import type { EncodedEvent } from '../../realtime/encoded-event.ts';
import type { Services } from '../../services/index.ts';
import type { LiveSession, LiveSink } from '../../services/realtime/live-session.ts';
import { PushQueue } from './push-client.ts';

/** The events that become pushes. */
const PUSHED = new Set(['message_created', 'broadcast', 'user_online', 'user_offline']);

/** The name a push shows for a hidden account. */
const nameOf = (u: { username: string | null; display_name: string }): string => u.username ?? u.display_name;

/** What a push shows of a message: its text, and its files by name (the seed's client prints text only). */
export function messageText(m: Pick<EventMessage, 'content' | 'attachments'>): string {
  const files = m.attachments.map((a) => `[file: ${a.filename}]`).join(' ');
  return [m.content, files].filter((s) => s !== '').join(' ');
}

export interface TcpSessionDeps {
  services: Services;
  logger: Pick<Logger, 'warn' | 'debug'>;
  /** The session ended on its own (revoked, a slow client): the registry forgets it. */
  onEnded(s: TcpSession): void;
}

/**
 * One TCP client logged in as a Rooms user: where its pushes go (the address it logged in from,
 * the port it was given), its Rooms session (the token each request is checked with again), and
 * its live session, whose events it turns into the seed's pushes: a direct message or a broadcast
 * → MESSAGE, someone's login or logout → NOTIFICATION. A pushed direct message is marked read (it
 * was shown); one the client could not take stays unread, and comes back at its next login.
 */
export class TcpSession implements LiveSink {
  readonly actorAtLogin: Actor;
  /** As of the latest request (each checks the token again: an admin flag may have changed). */
  actor: Actor;
  readonly token: string;
  /** The account's username, and the name the client logged in with (its `from` from now on). */
  readonly username: string;
  readonly loginName: string;
  readonly ip: string;
  readonly port: number;
  live!: LiveSession;
  ended = false;
  private readonly pushes: PushQueue;
  private readonly d: TcpSessionDeps;
  /** Whether each room a message came from is a direct room (asked once per room). */
  private readonly direct = new Map<string, boolean>();
  /** Events are handled one after the other, so pushes leave in the order the events came. */
  private work: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(init: { actor: Actor; token: string; username: string; loginName: string; ip: string; port: number }, deps: TcpSessionDeps) {
    this.actorAtLogin = init.actor;
    this.actor = init.actor;
    this.token = init.token;
    this.username = init.username;
    this.loginName = init.loginName;
    this.ip = init.ip;
    this.port = init.port;
    this.pushes = new PushQueue(init.ip, init.port);
    this.d = deps;
  }

  /** (Re)starts the idle clock: after ms without a request, onIdle runs. */
  touch(ms: number, onIdle: () => void): void {
    this.live.touch();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(onIdle, ms);
    this.idleTimer.unref();
  }

  /** Sends a push; resolves whether the client took it. */
  push(value: unknown): Promise<boolean> {
    return this.pushes.push(value);
  }

  /** Ends the session here: no more pushes but the ones queued, the live session closed. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.live.end();
  }

  // LiveSink

  send(event: EncodedEvent): void {
    if (this.ended) return;
    const raw: unknown = JSON.parse(event.json);
    // Most of what a user's rooms carry (typing, reads, reactions, group rooms' talk) has no push.
    if (typeof raw !== 'object' || raw === null || !('type' in raw) || !PUSHED.has(String(raw.type))) return;
    if (!this.pushes.hasRoom()) {
      this.d.logger.warn({ user: this.username }, 'tcp gateway: the client takes no pushes; its session ends');
      this.end();
      this.d.onEnded(this);
      return;
    }
    this.work = this.work.then(() => this.handle(raw)).catch((err: unknown) => this.d.logger.warn({ err }, 'tcp gateway: a push failed'));
  }

  hasRoom(): boolean {
    return this.pushes.hasRoom();
  }

  /** The hub ends the session (revoked, deactivated): the client is told, as the seed told of any disconnection. */
  close(_code: number, reason: string): void {
    if (this.ended) return;
    void this.push({ command: 'LOGOUT', from: 'SERVER', message: `You have been disconnected by the server: ${reason}.` });
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.d.onEnded(this);
  }

  private async handle(raw: unknown): Promise<void> {
    const parsed = ServerEvents.safeParse(raw);
    if (!parsed.success) return;
    const e = parsed.data;
    const me = this.actor.id;
    if (e.type === 'message_created') {
      const m = e.data.message;
      if (m.sender.id === me || m.type === 'system' || !(await this.isDirect(m.room_id))) return;
      if (await this.push({ command: 'MESSAGE', from: nameOf(m.sender), message: messageText(m) })) {
        await this.d.services.reads.markRead(this.actor, m.room_id, { seq: m.seq }).catch(() => undefined);
      }
    } else if (e.type === 'broadcast') {
      if (e.data.from.id !== me) await this.push({ command: 'MESSAGE', from: nameOf(e.data.from), message: e.data.content });
    } else if (e.type === 'user_online' || e.type === 'user_offline') {
      const who = nameOf(e.data.user);
      await this.push({ command: 'NOTIFICATION', from: who, message: `${who} has logged ${e.type === 'user_online' ? 'in' : 'out'}.` });
    }
  }

  private async isDirect(roomId: string): Promise<boolean> {
    let known = this.direct.get(roomId);
    if (known === undefined) {
      known = (await this.d.services.rooms.view(this.actor, roomId)).type === 'direct';
      this.direct.set(roomId, known);
    }
    return known;
  }
}
