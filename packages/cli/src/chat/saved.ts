import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface SavedSession {
  username: string;
  token: string;
  saved_at: string;
}

/** ROOMS_CHAT_FILE, else $XDG_CONFIG_HOME/rooms/chat.json (~/.config/rooms/chat.json). */
export function defaultSessionFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.ROOMS_CHAT_FILE || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'rooms', 'chat.json');
}

/**
 * Saved sessions, one per server: a token that logs in without the password until it expires or
 * `logout` forgets it. The file is readable by its owner only (0600, in a 0700 directory).
 */
export class SessionFile {
  readonly path: string;

  constructor(path = defaultSessionFile()) {
    this.path = path;
  }

  load(server: string): SavedSession | undefined {
    return this.read()[key(server)];
  }

  save(server: string, session: Omit<SavedSession, 'saved_at'>): void {
    this.write({ ...this.read(), [key(server)]: { ...session, saved_at: new Date().toISOString() } });
  }

  forget(server: string): void {
    const all = this.read();
    if (!(key(server) in all)) return;
    delete all[key(server)];
    this.write(all);
  }

  private read(): Record<string, SavedSession> {
    try {
      const data: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
      return typeof data === 'object' && data !== null ? (data as Record<string, SavedSession>) : {};
    } catch {
      return {};
    }
  }

  private write(all: Record<string, SavedSession>): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    writeFileSync(this.path, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(this.path, 0o600);
  }
}

const key = (server: string) => new URL(server).origin;
