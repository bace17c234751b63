import type { TcpSession } from './tcp-session.ts';

/**
 * The TCP clients logged in on this node: one per user (a second login replaces the first), found
 * by the `from` of a request — the account's username, or the name it logged in with (an email
 * typed at the seed's "Username:" prompt).
 */
export class SessionRegistry {
  private readonly byUser = new Map<string, TcpSession>();
  private readonly byName = new Map<string, TcpSession>();

  /** The session of the user a request names, if that user is logged in here. */
  find(from: string): TcpSession | undefined {
    return this.byName.get(from.trim().toLowerCase());
  }

  ofUser(userId: string): TcpSession | undefined {
    return this.byUser.get(userId);
  }

  add(s: TcpSession): void {
    this.byUser.set(s.actorAtLogin.id, s);
    this.byName.set(s.username, s);
    this.byName.set(s.loginName, s);
  }

  /** Forgets a session (not one that replaced it). */
  remove(s: TcpSession): void {
    if (this.byUser.get(s.actorAtLogin.id) === s) this.byUser.delete(s.actorAtLogin.id);
    for (const name of [s.username, s.loginName]) if (this.byName.get(name) === s) this.byName.delete(name);
  }

  all(): TcpSession[] {
    return [...this.byUser.values()];
  }
}
