import { codePoints, MessageContent } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { GatewayContext } from './context.ts';
import type { DataOf, Instruction } from './requests.ts';
import type { TcpSession } from './tcp-session.ts';

type Handler<I extends Instruction> = (ctx: GatewayContext, s: TcpSession, data: DataOf<I>) => Promise<unknown>;

/** Presence lists are read a page at a time; a list stops here. */
const MAX_LISTED = 5000;

async function usernames(ctx: GatewayContext, actor: Actor, state: 'online' | 'connected' | 'active', minutes?: number): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.services.presence.list(actor, { state, minutes, limit: 1000, cursor });
    for (const e of page.items) if (e.user.username) names.push(e.user.username);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && names.length < MAX_LISTED);
  return names;
}

/** The user a target names, or undefined when there is none (or it is hidden). */
async function resolveUser(ctx: GatewayContext, name: string): Promise<string | undefined> {
  try {
    return await ctx.services.users.resolve({ username: name });
  } catch (err) {
    if (isDomainError(err) && err.code === 'user_not_found') return undefined;
    throw err;
  }
}

/** A failure's words, for one line of a SEND's answer. */
const why = (err: unknown): string => {
  if (isDomainError(err)) return err.message;
  throw err;
};

/** The instructions of a logged-in client; each calls the services as the terminal client's commands do. */
export const HANDLERS: { [I in Exclude<Instruction, 'LOGIN' | 'LOGOUT'>]: Handler<I> } = {
  WHO: async (ctx, s) => ({ command: 'OK', from: s.loginName, message: await usernames(ctx, s.actor, 'online') }),

  /** As the seed's: everyone online, and those whose latest connection opened within N minutes (the terminal's `last N`). */
  LAST: async (ctx, s, data) => {
    const [online, recent] = await Promise.all([usernames(ctx, s.actor, 'online'), usernames(ctx, s.actor, 'connected', data.number)]);
    return { command: 'OK', from: s.loginName, message: [...new Set([...online, ...recent])].sort() };
  },

  ACTIVE: async (ctx, s, data) => ({ command: 'OK', from: s.loginName, message: await usernames(ctx, s.actor, 'active', data.number) }),

  /**
   * A Rooms broadcast: to everyone online on every transport, not stored, blocks not applied —
   * as the seed's was; and, as everywhere in Rooms, for server admins only.
   */
  BROADCAST: async (ctx, s, data) => {
    const content = MessageContent.safeParse(data.message);
    if (!content.success)
      return { command: 'INVALID_MESSAGE', message: `The message ${content.error.issues[0]?.message ?? 'is not valid'}.` };
    try {
      await ctx.services.broadcasts.send(s.actor, content.data);
    } catch (err) {
      if (isDomainError(err)) return { command: err.code.toUpperCase(), message: err.message };
      throw err;
    }
    return { command: 'OK', message: 'You message has been broadcast!' };
  },

  /** A direct message to each user, through their direct room (opened if new); kept unread for those offline. */
  SEND: async (ctx, s, data) => {
    const content = MessageContent.refine((m) => codePoints(m) <= ctx.maxMessageLength, {
      message: `must be at most ${ctx.maxMessageLength} characters`,
    }).safeParse(data.message);
    const lines: string[] = [];
    for (const name of data.message_to) {
      const to = `To ${name}: `;
      const id = await resolveUser(ctx, name);
      if (id === undefined) lines.push(`${to}User ${name} is not found.`);
      else if (id === s.actor.id) lines.push(`${to}You cannot send message to yourself.`);
      else if (!content.success)
        lines.push(`${to}You message has failed to be sent! The message ${content.error.issues[0]?.message ?? 'is not valid'}.`);
      else lines.push(to + (await sendOne(ctx, s.actor, id, name, content.data)));
    }
    return { command: 'OK', message: lines.map((l) => `${l}\n`).join('') };
  },

  BLACKLIST: async (ctx, s, data) => {
    const blocked = await blockedIds(ctx, s.actor);
    const lines: string[] = [];
    for (const name of data.targets) {
      const id = await resolveUser(ctx, name);
      if (id === s.actor.id) lines.push(`For user ${name}: You cannot blacklist yourself.`);
      else if (id === undefined) lines.push(`User ${name} is not found.`);
      else if (blocked.has(id)) lines.push(`User ${name} is already in your blacklist.`);
      else {
        await ctx.services.blocks.block(s.actor, id);
        blocked.add(id);
        lines.push(`User ${name} has been added in your blacklist.`);
      }
    }
    return { command: 'OK', message: lines.map((l) => `${l}\n`).join('') };
  },

  WHITELIST: async (ctx, s, data) => {
    const blocked = await blockedIds(ctx, s.actor);
    const lines: string[] = [];
    for (const name of data.targets) {
      const id = await resolveUser(ctx, name);
      if (id === s.actor.id) lines.push(`For user ${name}: You have no reason to remove yourself from the blacklist :)`);
      else if (id === undefined) lines.push(`User ${name} is not found.`);
      else if (!blocked.has(id)) lines.push(`User ${name} is not in your blacklist.`);
      else {
        await ctx.services.blocks.unblock(s.actor, id);
        blocked.delete(id);
        lines.push(`User ${name} has been removed from your blacklist.`);
      }
    }
    return { command: 'OK', message: lines.map((l) => `${l}\n`).join('') };
  },

  /** The user's public profile as the caller may see it, with presence; never a password hash (the seed printed its whole record). */
  CHECK: async (ctx, s, data) => {
    const name = data.target.trim() || s.username;
    const id = await resolveUser(ctx, name);
    if (id === undefined) return { command: 'OK', from: s.loginName, message: `User ${name} is not found.` };
    const [view, states] = await Promise.all([ctx.services.users.get(s.actor, id), ctx.services.presence.statuses([id])]);
    const state = states.get(id);
    const record = {
      username: view.username,
      display_name: view.display_name,
      status: state?.status ?? 'offline',
      last_active: state?.last_active ?? null,
      last_seen: view.last_seen,
      created_at: view.created_at,
      status_message: view.status_message,
      bio: view.bio,
      website: view.website,
      followers: view.followers_count,
      following: view.following_count,
      profile: view.profile,
    };
    return { command: 'OK', from: s.loginName, message: JSON.stringify(record) };
  },
};

async function sendOne(ctx: GatewayContext, actor: Actor, userId: string, name: string, content: string): Promise<string> {
  const { rooms, messages, presence } = ctx.services;
  try {
    const { room } = await rooms.openDirect(actor, userId);
    await messages.send(actor, room.id, { content });
  } catch (err) {
    if (isDomainError(err) && err.code === 'blocked') return `Sorry! You are in user ${name}'s blacklist. You message cannot be sent.`;
    return `You message has failed to be sent! ${why(err)}`;
  }
  const status = (await presence.statuses([userId])).get(userId)?.status ?? 'offline';
  return status === 'offline' ? `${name} is not online. You message has been stored as an offline message.` : 'You message has been sent!';
}

async function blockedIds(ctx: GatewayContext, actor: Actor): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await ctx.services.blocks.list(actor, { limit: 100, cursor });
    for (const u of page.items) ids.add(u.id);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}
