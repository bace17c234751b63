import { randomInt } from 'node:crypto';
import { LIMITS } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { isDomainError } from '../../domain/errors.ts';
import { LoginFailed } from '../../services/accounts/login-attempts.ts';
import type { GatewayContext } from './context.ts';
import type { DataOf } from './requests.ts';

/**
 * The port a client is told to listen on for pushes: the seed's range is 10000..50000, and this is
 * its part below the kernel's usual ephemeral ports (Linux: 32768-60999), so that the port a client
 * must open is not one its own machine has just handed to an outgoing connection.
 */
const PUSH_PORTS = { min: 10000, max: 32767 };
import { messageText, TcpSession } from './tcp-session.ts';

/** What the gateway calls itself among a user's sessions (GET /auth/sessions shows it). */
export const TCP_CLIENT_NAME = 'tcp-gateway';
/** The offline messages one login shows at most; the rest stay unread for the next. */
const MAX_OFFLINE = 500;
const PAGE = 100;

const reply = (command: string, message: string) => ({ command, response: { message } });
/** What the client of an earlier login is told (the seed's words). */
const kickNotice = (username: string, ip: string) => `${username} has connected from address: ${ip}. You will be disconnected.`;

/**
 * LOGIN: the password is checked by the accounts service, with its lockout: the failure that
 * starts it says so (the seed's third WRONG_PASSWORD), and while it lasts the answer is LOCKED.
 * A name that cannot be a username is USER_NOT_FOUND; an unknown but well-formed one fails as a
 * wrong password does (Rooms never says whether an account exists to someone not logged in).
 * Then a second login replaces the first (told to go, on this node with the seed's words), the
 * unread direct messages are the offline ones (marked read as they are shown), and pushes start.
 */
export async function login(ctx: GatewayContext, from: string, data: DataOf<'LOGIN'>, ip: string): Promise<unknown> {
  const locked = `This account has been locked for ${ctx.blockSeconds} seconds due to too many attempts. Please try later.`;
  const name = from.trim().toLowerCase();
  const plausible =
    name.includes('@') || (name.length >= LIMITS.username.min && name.length <= LIMITS.username.max && LIMITS.username.pattern.test(name));
  if (!plausible) return reply('USER_NOT_FOUND', `User "${from}" is not found.`);

  let token: string;
  let username: string;
  try {
    const result = await ctx.services.accounts.login({ username: name, password: data.password }, ip, { ip, client: TCP_CLIENT_NAME });
    if (result.kind === 'choose') {
      return reply(
        'WRONG_PASSWORD',
        `Several accounts share this email and password: log in with a username (${result.accounts.map((a) => a.username).join(', ')}).`,
      );
    }
    token = result.session.token;
    username = result.session.user.username!;
  } catch (err) {
    if (err instanceof LoginFailed)
      return reply('WRONG_PASSWORD', `The input password is not correct.${err.startedBlock ? `\n${locked}` : ''}`);
    if (isDomainError(err) && err.code === 'login_blocked') return reply('LOCKED', locked);
    if (isDomainError(err) && err.code === 'rate_limited') return reply('LOCKED', err.message);
    throw err;
  }
  const actor = await ctx.services.accounts.authenticate(token, ip);
  await replacePrevious(ctx, actor, ip);

  const session = new TcpSession(
    { actor, token, username, loginName: name, ip, port: randomInt(PUSH_PORTS.min, PUSH_PORTS.max + 1) },
    { services: ctx.services, logger: ctx.logger, onEnded: (s) => ctx.registry.remove(s) },
  );
  session.live = ctx.live.open(actor, session, { sessionNotices: true });
  try {
    let seqs = new Map<string, number>();
    await session.live.start((ready) => (seqs = new Map(ready.rooms.map((r) => [r.room_id, r.last_seq]))));
    const offline = await offlineMessages(ctx, actor, seqs);
    // Two logins of one user at once both got past replacePrevious: the later one wins here too.
    const racing = ctx.registry.ofUser(actor.id);
    if (racing) await ctx.endSession(racing, kickNotice(racing.username, ip), { from: false });
    ctx.registry.add(session);
    session.touch(ctx.idleTimeoutMs, () => void ctx.endSession(session, 'You have been disconnected by the server due to being inactive.'));
    session.live.release();
    await session.live.connected();
    return {
      command: 'OK',
      response: { ip, port: session.port, message: 'You have been connected to the chat server!', offline_messages: offline },
    };
  } catch (err) {
    ctx.registry.remove(session);
    session.end();
    throw err;
  }
}

/**
 * The user's earlier TCP login ends: on this node it is told who took over (the seed's LOGOUT); on
 * another node its Rooms session is ended, and that node's gateway tells its client it was revoked.
 */
async function replacePrevious(ctx: GatewayContext, actor: Actor, ip: string): Promise<void> {
  const here = ctx.registry.ofUser(actor.id);
  if (here) await ctx.endSession(here, kickNotice(here.username, ip), { from: false });
  for (const s of await ctx.services.accounts.listSessions(actor)) {
    if (s.client === TCP_CLIENT_NAME && !s.current) await ctx.services.accounts.revokeSession(actor, s.id).catch(() => undefined);
  }
}

/**
 * The direct messages others sent the user that it has not read, oldest first, up to where the
 * live session took over (seqs), each room's marked read up to the last one shown.
 */
async function offlineMessages(
  ctx: GatewayContext,
  actor: Actor,
  seqs: Map<string, number>,
): Promise<{ sender: string; message: string }[]> {
  const { rooms, messages, reads } = ctx.services;
  const out: { sender: string; message: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await rooms.listMine(actor, { limit: PAGE, cursor });
    for (const room of page.items) {
      if (room.type !== 'direct' || room.unread_count === 0 || !room.membership) continue;
      const upTo = seqs.get(room.id) ?? room.last_seq;
      let after = String(room.membership.last_read_seq);
      let lastShown: number | undefined;
      while (out.length < MAX_OFFLINE) {
        const { items, next } = await messages.list(actor, room.id, { after, limit: PAGE });
        for (const m of items) {
          if (m.seq > upTo || out.length >= MAX_OFFLINE) break;
          lastShown = m.seq;
          if (m.sender.id === actor.id || m.type === 'system' || m.deleted_at !== null) continue;
          out.push({ sender: m.sender.username ?? m.sender.display_name, message: messageText(m) });
        }
        if (next === null || items.length === 0 || items.at(-1)!.seq >= upTo) break;
        after = next;
      }
      if (lastShown !== undefined) await reads.markRead(actor, room.id, { seq: lastShown });
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && out.length < MAX_OFFLINE);
  return out;
}
