import { randomBytes } from 'node:crypto';
import { after, afterEach, before } from 'node:test';
import { signup, startServer, type TestServer } from '../../server/test/helpers/server.ts';
import { backends } from '../../server/test/helpers/services.ts';
import { home, Pty } from './pty.ts';

export { signup, type TestServer };
export type User = Awaited<ReturnType<typeof signup>>;

/** A real server (embedded: SQLite, in-process ports) for the terminal tests, with settings given. */
export const startChatServer = (config: Record<string, unknown> = {}) => startServer(backends()[0]!, { config });

/** A user with a readable name (usernames show on the screen). */
export const person = (srv: TestServer, prefix: string) => signup(srv.url, { username: `${prefix}_${randomBytes(3).toString('hex')}` });

/** Every terminal a test opened, closed at the end. */
export function terminals() {
  const open: { pty: Pty; remove: () => void }[] = [];
  return {
    /** `rooms chat <url> [args]` in a pty with its own home directory (so its own saved session). */
    spawn(srv: TestServer, args: string[] = [], env: Record<string, string> = {}): Pty {
      const h = home();
      const pty = new Pty(['chat', srv.url, ...args], { ...h.env, ...env });
      open.push({ pty, remove: h.remove });
      return pty;
    },
    /** Spawns and logs in with username and password; resolves once the commands are ready. */
    async login(
      srv: TestServer,
      user: { username: string; password: string },
      args: string[] = [],
      env: Record<string, string> = {},
    ): Promise<Pty> {
      const pty = this.spawn(srv, args, env);
      await pty.expect('Username or email:');
      pty.type(user.username);
      await pty.expect('Password:');
      pty.type(user.password);
      await pty.expect('Type help for the commands.');
      return pty;
    },
    async closeAll(): Promise<void> {
      for (const { pty, remove } of open.splice(0)) {
        pty.kill();
        await pty.exited;
        remove();
      }
    },
  };
}

/**
 * The scaffolding of a terminal suite: a server with these settings started before its tests,
 * their terminals closed after each, the server stopped at the end.
 */
export function chatSuite(config: Record<string, unknown> = {}) {
  const suite = { srv: undefined as unknown as TestServer, terms: terminals() };
  before(async () => {
    suite.srv = await startChatServer(config);
  });
  afterEach(() => suite.terms.closeAll());
  after(() => suite.srv.stop());
  return suite;
}
