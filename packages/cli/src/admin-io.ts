import { CliError, type AdminIo } from '@rooms/server/cli';
import { Terminal } from './terminal/terminal.ts';

/** Passwords for `rooms admin`: asked twice (not echoed) on a terminal, else the first line of stdin. */
export function adminIo(): AdminIo {
  return {
    async newPassword(username) {
      const term = new Terminal(process.stdin, process.stderr);
      try {
        if (!term.tty) return (await term.question('')) ?? '';
        const first = await term.secret(`New password for ${username}: `);
        const again = await term.secret('Once more: ');
        if (first !== again) throw new CliError('The two passwords differ: nothing changed.');
        return first ?? '';
      } finally {
        term.close();
      }
    },
  };
}
