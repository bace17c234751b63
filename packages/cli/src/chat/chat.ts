import { parseArgs } from 'node:util';
import { RoomsClient } from '@rooms/client';
import { Terminal } from '../terminal/terminal.ts';
import { CHAT_HELP } from './help.ts';
import { LoginFailed, logIn } from './login.ts';
import { SessionFile } from './saved.ts';
import { ChatSession } from './session.ts';

/** `rooms chat [url]`: log in, then the session; resolves with the exit code. */
export async function chatCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { user: { type: 'string' }, login: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${CHAT_HELP}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${CHAT_HELP}\n`);
    return 0;
  }
  if (positionals.length > 1) {
    process.stderr.write(`Usage: rooms chat [URL] [--user NAME] [--login]\n`);
    return 1;
  }
  const server = positionals[0] ?? process.env.ROOMS_URL ?? 'http://localhost:8080';
  if (!URL.canParse(server) || !/^https?:$/.test(new URL(server).protocol)) {
    process.stderr.write(`"${server}" is not an http(s) URL.\n`);
    return 1;
  }
  const term = new Terminal();
  const client = new RoomsClient({ baseUrl: server, clientName: 'rooms chat' });
  const file = new SessionFile();
  let session: ChatSession | undefined;
  // Ctrl+C while logging in ends the questions; afterwards it logs out.
  term.onInterrupt(() => (session ? session.end(0, 'Logged out.') : term.close()));
  term.print(`Connecting to ${server} …`);
  try {
    const me = await logIn(term, client, file, { server, user: values.user, fresh: values.login ?? false });
    session = new ChatSession(term, client, me, file, server);
    return await session.run();
  } catch (err) {
    term.close();
    if (err instanceof LoginFailed) return err.exitCode;
    throw err;
  }
}
