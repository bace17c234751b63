import { CliError, runCommand, say, withStore } from './run.ts';

const HELP = `Usage: rooms admin <command> [arguments]

Commands:
  promote <username>   make the account a server admin (global moderation, deactivate any account)
  demote <username>    take the server admin flag away

Reads the same configuration as the server (DATA_DIR, DATABASE_URL, ROOMS_CONFIG, ...).

Examples:
  npm run admin -- promote alice
  DATA_DIR=/var/lib/rooms npm run admin -- demote bob`;

runCommand(async (args) => {
  const [command, name, ...rest] = args;
  if (command === undefined || command === 'help' || args.includes('--help') || args.includes('-h')) return say(HELP);
  if (command !== 'promote' && command !== 'demote') throw new CliError(`Unknown command "${command}".\n\n${HELP}`);
  if (!name || rest.length > 0) throw new CliError(`Usage: rooms admin ${command} <username>`);
  const username = name.toLowerCase();
  const admin = command === 'promote';
  await withStore(async (store) => {
    const user = await store.users.findByUsername(username);
    if (!user) throw new CliError(`No account is named "${username}".`);
    if (user.is_admin === admin) return say(`${username} ${admin ? 'is already' : 'was not'} a server admin: nothing to do`);
    await store.users.setAdmin(user.id, admin);
    say(admin ? `${username} is now a server admin` : `${username} is no longer a server admin`);
  });
});
