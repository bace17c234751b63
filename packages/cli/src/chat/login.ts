import { isRoomsApiError, type RoomsClient } from '@rooms/client';
import type { Terminal } from '../terminal/terminal.ts';
import type { SessionFile } from './saved.ts';

export interface Me {
  id: string;
  username: string;
  is_admin: boolean;
}

export interface LoginOptions {
  server: string;
  /** Skip the username question. */
  user?: string | undefined;
  /** Ask for the password even if a session is saved. */
  fresh?: boolean;
}

/** Why logging in stopped: the message was printed; the exit code to end with. */
/** Times a login the server was too busy to check (503) is tried again by itself. */
const MAX_BUSY_RETRIES = 5;

export class LoginFailed extends Error {
  readonly exitCode = 1;
}

/**
 * Logs in with the saved session when there is one and it still works, else asks for the username
 * (or email) and then the password (not echoed) until it is right or the server blocks the attempts. A
 * password login is saved (0600) for next time.
 */
export async function logIn(term: Terminal, client: RoomsClient, file: SessionFile, opts: LoginOptions): Promise<Me> {
  const saved = opts.fresh ? undefined : file.load(opts.server);
  if (saved && (!opts.user || opts.user.toLowerCase() === saved.username)) {
    client.token = saved.token;
    try {
      const me = await client.auth.me();
      term.print(`Logged in as ${me.username} (saved session).`);
      return { id: me.id, username: me.username!, is_admin: me.is_admin };
    } catch (err) {
      if (!isRoomsApiError(err) || err.status !== 401) throw unreachable(term, opts.server, err);
      file.forget(opts.server);
      client.token = undefined;
      term.print('Your saved session has ended: log in again.');
    }
  }
  let username = opts.user?.trim().toLowerCase() ?? '';
  // After a failed login the username is asked again (Enter keeps it): the typo may be there.
  let askUsername = !username;
  let busyRetries = 0;
  let pending: string | undefined;
  for (;;) {
    while (askUsername || !username) {
      const answer = await term.question(username ? `Username or email [${username}]: ` : 'Username or email: ');
      if (answer === undefined) throw new LoginFailed('no username');
      username = answer.trim().toLowerCase() || username;
      askUsername = false;
    }
    const password = pending ?? (await term.secret('Password: '));
    pending = undefined;
    if (password === undefined) throw new LoginFailed('no password');
    if (password === '') continue;
    try {
      const result = await client.auth.login({ username, password });
      if (result.kind !== 'session') {
        term.print(
          `Several accounts use this email and password: ${result.accounts.map((a) => a.username).join(', ')}. Log in with one of these usernames.`,
        );
        username = '';
        continue;
      }
      const me = result.session.user;
      file.save(opts.server, { username: me.username!, token: result.session.token });
      term.print(`Welcome, ${me.username}!`);
      return { id: me.id, username: me.username!, is_admin: me.is_admin };
    } catch (err) {
      if (isRoomsApiError(err) && err.code === 'invalid_credentials') {
        term.print('Wrong username or password.');
        askUsername = true;
        continue;
      }
      if (isRoomsApiError(err) && err.code === 'login_blocked') {
        term.print(`Too many failed logins: ${username} is blocked from this address for ${err.retryAfter ?? 'a few'} s. Try again later.`);
        throw new LoginFailed('blocked');
      }
      if (isRoomsApiError(err) && err.code === 'rate_limited') {
        term.print(`Too many login attempts from this address: try again in ${err.retryAfter ?? 'a few'} s.`);
        throw new LoginFailed('rate limited');
      }
      if (isRoomsApiError(err) && err.code === 'server_busy' && busyRetries < MAX_BUSY_RETRIES) {
        // The password was never checked: the same one is tried again once the server has room.
        busyRetries++;
        const seconds = Math.min(err.retryAfter ?? 1, 30);
        term.print(`The server is busy; trying again in ${seconds} s…`);
        await new Promise((r) => setTimeout(r, seconds * 1000));
        pending = password;
        continue;
      }
      throw unreachable(term, opts.server, err);
    }
  }
}

function unreachable(term: Terminal, server: string, err: unknown): LoginFailed {
  term.print(
    isRoomsApiError(err) && err.code === 'network_error'
      ? `Cannot reach ${server}: is the server running?`
      : `Login failed: ${(err as Error).message}`,
  );
  return new LoginFailed('unreachable');
}
