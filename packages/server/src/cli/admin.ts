import { Password, SignupBody } from '@rooms/protocol';
import type { Core } from '../core.ts';
import { isDomainError } from '../domain/errors.ts';
import type { UserRow } from '../store/types.ts';
import { systemClock } from '../ports/clock.ts';
import { rotateKeys } from '../services/accounts/signing-keys.ts';
import { CliError, say, withCore } from './run.ts';

export const ADMIN_HELP = `Usage: rooms admin <command> [arguments]

Commands:
  create <username> <email> [--admin]   create an account (asks for its password)
  promote <username>                    make the account a server admin (global moderation, broadcast)
  demote <username>                     take the server admin flag away
  deactivate <username>                 hide the account and sign it out everywhere; purged after
                                        DEACTIVATION_DAYS unless its owner logs in again
  reset-password <username>             set a new password (asks for it); signs out every session
  counsellor <username>                 flag the account as a counsellor (it may then mark itself available)
  uncounsellor <username>               take the counsellor flag away
  rotate-keys                           a new token signing key signs from now on; older keys still
                                        verify their tokens until they expire (TOKEN_TTL), then go

Passwords are asked on the terminal (twice, not echoed), or read from the first line of stdin
when it is not a terminal. Reads the same configuration as the server (DATA_DIR, DATABASE_URL,
REDIS_URL, ROOMS_CONFIG, ...); with REDIS_URL, sessions of running nodes end at once.
Says which database it uses, and refuses one that was never set up (run rooms migrate first).

Examples:
  rooms admin create alice alice@example.com --admin
  echo 'correct horse battery' | rooms admin reset-password bob
  rooms admin promote alice
  DATA_DIR=/var/lib/rooms rooms admin deactivate mallory`;

export interface AdminIo {
  /** Asks for a new password (on a terminal: twice, not echoed). */
  newPassword(username: string): Promise<string>;
}

const USAGE: Record<string, string> = {
  create: 'rooms admin create <username> <email> [--admin]',
  promote: 'rooms admin promote <username>',
  demote: 'rooms admin demote <username>',
  deactivate: 'rooms admin deactivate <username>',
  'reset-password': 'rooms admin reset-password <username>',
  counsellor: 'rooms admin counsellor <username>',
  uncounsellor: 'rooms admin uncounsellor <username>',
  'rotate-keys': 'rooms admin rotate-keys',
};

/** `rooms admin …`: account administration from the server's machine. */
export async function adminCommand(args: string[], io: AdminIo): Promise<void> {
  const flags = args.filter((a) => a.startsWith('-'));
  const [command, ...rest] = args.filter((a) => !a.startsWith('-'));
  if (command === undefined || command === 'help' || flags.includes('--help') || flags.includes('-h')) return say(ADMIN_HELP);
  const usage = USAGE[command];
  if (!usage) throw new CliError(`Unknown command "${command}".\n\n${ADMIN_HELP}`);
  const arity = command === 'create' ? 2 : command === 'rotate-keys' ? 0 : 1;
  const unknownFlag = flags.find((f) => !(command === 'create' && f === '--admin'));
  if (rest.length !== arity || unknownFlag) throw new CliError(`Usage: ${usage}`);
  if (command === 'create') return create(rest[0]!, rest[1]!, flags.includes('--admin'), io);
  if (command === 'rotate-keys') return rotate();
  const username = rest[0]!.toLowerCase();
  const password = command === 'reset-password' ? await readPassword(io, username) : undefined;
  await withCore(async (core) => {
    const user = await core.store.users.findByUsername(username);
    if (!user) throw new CliError(`No account is named "${username}".`);
    if (command === 'promote' || command === 'demote') return setAdmin(core, user, command === 'promote');
    if (command === 'deactivate') return deactivate(core, user);
    if (command === 'counsellor' || command === 'uncounsellor') return setCounsellor(core, user, command === 'counsellor');
    await core.services.accounts.resetPassword(user.id, password!).catch(explainRefusal);
    say(`${username} has a new password; every session of the account was signed out`);
  });
}

async function create(username: string, email: string, admin: boolean, io: AdminIo): Promise<void> {
  const checked = SignupBody.pick({ username: true, email: true }).safeParse({ username, email });
  if (!checked.success) throw new CliError(invalid(checked.error.issues));
  const password = await readPassword(io, checked.data.username);
  await withCore(async (core) => {
    const { user } = await core.services.accounts.createAccount({ ...checked.data, password }).catch((err: unknown) => {
      if ((err as { code?: string }).code === 'username_taken') throw new CliError(`The username "${checked.data.username}" is taken.`);
      return explainRefusal(err);
    });
    if (admin && !user.is_admin) await core.store.users.setAdmin(user.id, true);
    say(`created ${user.username}${admin || user.is_admin ? ' (server admin)' : ''}`);
  });
}

async function readPassword(io: AdminIo, username: string): Promise<string> {
  const password = await io.newPassword(username);
  const ok = Password.safeParse(password);
  if (!ok.success) throw new CliError(invalid(ok.error.issues.map((i) => ({ ...i, path: ['password'] }))));
  return password;
}

async function setAdmin(core: Core, user: UserRow, admin: boolean): Promise<void> {
  const name = user.username!;
  if (user.is_admin === admin) return say(`${name} ${admin ? 'is already' : 'was not'} a server admin: nothing to do`);
  await core.store.users.setAdmin(user.id, admin);
  say(admin ? `${name} is now a server admin` : `${name} is no longer a server admin`);
}

async function setCounsellor(core: Core, user: UserRow, counsellor: boolean): Promise<void> {
  const name = user.username!;
  if ((await core.services.counsellors.status(user.id)).counsellor === counsellor)
    return say(`${name} ${counsellor ? 'is already' : 'was not'} a counsellor: nothing to do`);
  await core.services.counsellors.setFlag(null, user.id, counsellor);
  say(counsellor ? `${name} is now a counsellor` : `${name} is no longer a counsellor`);
}

async function deactivate(core: Core, user: UserRow): Promise<void> {
  if (user.deactivated_at !== null) return say(`${user.username} is already deactivated: nothing to do`);
  await core.services.accounts.deactivateAccount(user.id);
  say(`${user.username} is deactivated: hidden and signed out now, deleted after the grace period unless they log in`);
}

/** Signing keys live in the database unless JWT_SECRET is configured: then that one is the key. */
async function rotate(): Promise<void> {
  await withCore(async (core, config) => {
    if (config.JWT_SECRET)
      throw new CliError(
        'JWT_SECRET is configured: tokens are signed with it, not with keys kept in the database. To rotate, change JWT_SECRET on every node (every session then ends), or remove it to use rotating keys.',
      );
    const { id, retired, deleted } = await rotateKeys(core.store, systemClock, config.TOKEN_TTL);
    say(
      `new signing key ${id} signs from now on (running nodes switch within a minute); ${retired} older key${retired === 1 ? '' : 's'} still verify until their tokens expire${deleted ? `; ${deleted} expired key${deleted === 1 ? '' : 's'} deleted` : ''}`,
    );
  });
}

/** The server's configured limits (checked by the service) refused a value: said as the schema's refusals are. */
function explainRefusal(err: unknown): never {
  if (isDomainError(err) && err.code === 'validation_failed' && Array.isArray(err.details)) {
    throw new CliError(
      invalid(
        (err.details as { field: string; message: string }[]).map((d) => ({ path: [d.field.replace(/^body\./, '')], message: d.message })),
      ),
    );
  }
  throw err;
}

const invalid = (issues: { path: PropertyKey[]; message: string }[]) =>
  `Invalid ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
