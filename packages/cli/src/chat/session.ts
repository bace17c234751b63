import type { Attachment, ClosedInfo, LiveConnection, RoomsClient, ServerEvent } from '@rooms/client';
import type { Terminal } from '../terminal/terminal.ts';
import { runLine } from './commands/index.ts';
import { liveLine } from './format.ts';
import { marksFor } from './search-format.ts';
import type { Me } from './login.ts';
import type { SessionFile } from './saved.ts';
import { Directory } from './users.ts';
import { showWhileAway } from './away.ts';

export interface RoomRef {
  id: string;
  name: string;
  direct: boolean;
}

/** Why a close that will not be retried ended the session, and the exit code. */
function finalMessage(c: ClosedInfo): [string, number] {
  if (c.code === 4010) return [`*** Session ended by the server: ${c.reason || 'idle for too long (TIME_OUT)'}.`, 0];
  if (c.code === 4001) return ['*** You were signed out (your password changed, or you logged out everywhere). Log in again.', 1];
  if (c.code === 4003) return ['*** Your account was deactivated.', 1];
  if (c.httpStatus === 401) return ['*** The server no longer accepts this session: log in again.', 1];
  return [`*** Disconnected: ${c.reason || c.code}.`, 1];
}

/**
 * A logged-in terminal session: the live connection (a `terminal` client, so the server ends it
 * after TIME_OUT without input), incoming events printed above the input line, and the commands.
 */
export class ChatSession {
  readonly client: RoomsClient;
  readonly me: Me;
  readonly term: Terminal;
  readonly live: LiveConnection;
  readonly users: Directory;
  room: RoomRef | undefined;
  /** Files uploaded with `upload`, waiting to go with the next say or send. */
  attachments: Attachment[] = [];
  private readonly rooms = new Map<string, RoomRef>();
  private readonly file: SessionFile;
  private readonly server: string;
  private queue: Promise<void> = Promise.resolve();
  private lost = false;
  private finish: ((code: number) => void) | undefined;

  constructor(term: Terminal, client: RoomsClient, me: Me, file: SessionFile, server: string) {
    this.term = term;
    this.client = client;
    this.me = me;
    this.file = file;
    this.server = server;
    this.users = new Directory(client);
    this.live = client.live({ client: 'terminal' });
  }

  /** Runs until logout, Ctrl+C, the end of input or a final close; resolves with the exit code. */
  async run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finish = resolve));
    this.live.on(
      'event',
      (e) => void this.onEvent(e).catch((err: unknown) => this.print(`(could not show an event: ${(err as Error).message})`)),
    );
    this.live.on('closed', (c) => this.onClosed(c));
    this.live.on('status', (s) => {
      if (s !== 'connected' || !this.lost) return;
      this.lost = false;
      this.print('*** Reconnected.');
    });
    const ready = new Promise<boolean>((resolve) => {
      this.live.on('status', (s) => s === 'connected' && resolve(true));
      this.live.on('closed', (c) => !c.willReconnect && resolve(false));
    });
    this.live.start();
    if (!(await ready)) return done;
    await this.refreshRooms();
    await showWhileAway(this);
    this.print('Type help for the commands.');
    this.term.onLine((line) => {
      this.live.touch();
      this.queue = this.queue.then(() => runLine(this, line)).then(() => this.finish && this.term.prompt());
    });
    this.term.onEnd(() => this.end(0, 'Logged out.'));
    this.term.prompt();
    return done;
  }

  print(line: string): void {
    this.term.print(line);
  }

  /** Makes a room the current one (say, history) and shows it in the prompt. */
  enter(room: RoomRef): void {
    this.room = room;
    this.rooms.set(room.id, room);
    this.term.setPrompt(`${room.name}> `);
  }

  /** What to call a room in a line: its name, or the other person's for a direct room. */
  async roomRef(roomId: string): Promise<RoomRef | undefined> {
    if (!this.rooms.has(roomId)) await this.refreshRooms();
    return this.rooms.get(roomId);
  }

  async refreshRooms(): Promise<RoomRef[]> {
    const { items } = await this.client.rooms.list();
    for (const r of items)
      this.rooms.set(r.id, {
        id: r.id,
        direct: r.type === 'direct',
        name: r.type === 'direct' ? (r.peer?.username ?? 'deleted user') : r.name,
      });
    return items.map((r) => this.rooms.get(r.id)!);
  }

  /** `logout`: ends the session on the server too (its token stops working) and forgets the saved one. */
  async logout(): Promise<void> {
    this.live.stop(); // first: the server's close of an ended session is not news to this client
    try {
      await this.client.auth.logout();
    } catch (err) {
      this.print(`*** The server could not end the session (${(err as Error).message}); its token expires on its own.`);
    }
    this.file.forget(this.server);
    this.end(0, 'Logged out.');
  }

  /** Ends the session: the connection closes cleanly (others see "logged out"), input stops. */
  end(code: number, message?: string): void {
    const finish = this.finish;
    if (!finish) return;
    this.finish = undefined;
    this.live.stop();
    this.term.close();
    if (message) this.print(message);
    finish(code);
  }

  private async onEvent(e: ServerEvent): Promise<void> {
    if (e.type === 'message_created') {
      const m = e.data.message;
      if (m.sender.id === this.me.id) return;
      const room = await this.roomRef(m.room_id);
      if (!room) return;
      this.print(liveLine(m, room, this.client.http.baseUrl, marksFor(this.term.tty).dim));
      // Seen here, so not shown again as "while you were away" at the next login.
      if (room.direct) await this.client.messages.markRead(m.room_id, { seq: m.seq });
    } else if (e.type === 'user_online' || e.type === 'user_offline') {
      this.print(`*** ${e.data.user.username ?? e.data.user.display_name} has logged ${e.type === 'user_online' ? 'in' : 'out'}.`);
    } else if (e.type === 'broadcast' && e.data.from.id !== this.me.id) {
      this.print(`*** Broadcast from ${e.data.from.username ?? e.data.from.display_name}: ${e.data.content}`);
    }
  }

  private onClosed(c: ClosedInfo): void {
    if (c.willReconnect) {
      if (this.lost) return;
      this.lost = true;
      this.print(
        c.code === 1001
          ? `*** The server is shutting down (${c.reason || 'going away'}). Reconnecting when it is back; Ctrl+C to quit.`
          : '*** Connection lost. Reconnecting…',
      );
      return;
    }
    if (!this.finish || c.code === 1000) return;
    const [message, code] = finalMessage(c);
    if (code !== 0) this.file.forget(this.server);
    this.end(code, message);
  }
}
