import { isRoomsApiError } from '@rooms/client';
import type { ChatSession } from '../session.ts';
import { blacklist, hide, send, whitelist } from './direct.ts';
import { active, broadcast, check, last, who } from './people.ts';
import { history, join, rooms, say } from './rooms.ts';
import { search } from './search.ts';
import { upload } from './upload.ts';
import { type Command, none, UsageError } from './types.ts';

const logout: Command = {
  name: 'logout',
  usage: 'logout',
  summary: 'log out (the server ends the session) and forget it here (Ctrl+C keeps it)',
  async run(s, args) {
    none(args);
    await s.logout();
  },
};

const help: Command = {
  name: 'help',
  usage: 'help',
  summary: 'this list',
  async run(s) {
    const width = Math.max(...COMMANDS.map((c) => c.usage.split('   ')[0]!.length));
    s.print(['Commands:', ...COMMANDS.map((c) => `  ${c.usage.split('   ')[0]!.padEnd(width)}  ${c.summary}`)].join('\n'));
  },
};

export const COMMANDS: Command[] = [
  who,
  last,
  active,
  send,
  hide,
  broadcast,
  blacklist,
  whitelist,
  check,
  rooms,
  join,
  upload,
  say,
  history,
  search,
  logout,
  help,
];
const BY_NAME = new Map(COMMANDS.map((c) => [c.name, c]));

/** Runs one typed line; every failure becomes a line of explanation, never a crash. */
export async function runLine(s: ChatSession, line: string): Promise<void> {
  const trimmed = line.trim();
  if (trimmed === '') return;
  const [, name = '', args = ''] = /^(\S+)\s*(.*)$/s.exec(trimmed) ?? [];
  const command = BY_NAME.get(name.toLowerCase());
  if (!command) return s.print(`Unknown command "${name}": type help for the commands.`);
  try {
    await command.run(s, args);
  } catch (err) {
    if (err instanceof UsageError) return s.print(`Usage: ${command.usage}`);
    if (isRoomsApiError(err) && err.code === 'network_error') return s.print('Cannot reach the server right now: try again in a moment.');
    s.print(`${command.name} failed: ${(err as Error).message}`);
  }
}
