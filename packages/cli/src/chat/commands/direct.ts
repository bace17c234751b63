import { everyItem, isRoomsApiError, type RoomsApiError } from '@rooms/client';
import { parseTargets } from '../format.ts';
import type { ChatSession } from '../session.ts';
import type { Person } from '../users.ts';
import { type Command, targetsOnly, UsageError } from './types.ts';
import { takeAttachments } from './upload.ts';

/** Each target resolved, or the reason it cannot be: yourself, unknown user. */
async function resolve(s: ChatSession, targets: string[], each: (p: Person) => Promise<string>): Promise<void> {
  for (const name of targets) {
    if (name === s.me.username) {
      s.print(`${name}: that is you.`);
      continue;
    }
    const person = await s.users.find(name);
    s.print(`${name}: ${person ? await each(person) : 'unknown user.'}`);
  }
}

export const send: Command = {
  name: 'send',
  usage: 'send USER MSG   or   send (USER1 USER2 ...) MSG   (files waiting from upload go to one USER; MSG may be left out)',
  summary: 'a direct message to each user (kept for those offline)',
  async run(s, args) {
    const parsed = parseTargets(args.trim());
    if (!parsed || (parsed.rest === '' && s.attachments.length === 0)) throw new UsageError(args);
    // An upload is posted once: files go to one person at a time.
    if (s.attachments.length > 0 && parsed.targets.length > 1) return s.print('Files go to one person at a time: send USER MSG.');
    const online = new Set((await everyItem((cursor) => s.client.presence.list({ limit: 1000, cursor }))).map((e) => e.user.id));
    await resolve(s, parsed.targets, async (person) => {
      try {
        if (s.live.status === 'connected') {
          // One call: the server opens the direct room if there is none, and sends.
          const files = takeAttachments(s);
          await s.client.messages
            .sendToUser(person.id, { content: parsed.rest, ...(files.ids.length ? { attachments: files.ids } : {}) })
            .catch((err: unknown) => {
              files.restore();
              throw err;
            });
          return online.has(person.id) ? 'sent.' : 'stored for when they come back.';
        }
        // The connection is down: the outbox sends it once it is back.
        const { room } = await s.client.rooms.openDirect(person.id);
        const files = takeAttachments(s);
        const sending = s.live.send(room.id, parsed.rest, files.ids.length ? { attachments: files.ids } : {});
        sending.then(
          () => s.print(`*** Queued message to ${person.username} sent.`),
          (err: RoomsApiError) => {
            files.restore();
            s.print(`*** Queued message to ${person.username} not sent: ${err.message}`);
          },
        );
        return 'queued: the connection is down, it goes out when it is back.';
      } catch (err) {
        if (isRoomsApiError(err) && err.code === 'blocked') return 'blocked — one of you blocks the other.';
        throw err;
      }
    });
  },
};

export const hide: Command = {
  name: 'hide',
  usage: 'hide USER   or   hide (USER1 USER2 ...)',
  summary: 'hide your direct conversation with USER from rooms, until a message arrives',
  async run(s, args) {
    const targets = targetsOnly(args);
    const { items } = await s.client.rooms.list();
    await resolve(s, targets, async (p) => {
      const room = items.find((r) => r.type === 'direct' && r.peer?.id === p.id);
      if (!room) return 'no conversation with them in your rooms.';
      await s.client.rooms.hide(room.id);
      return 'hidden — it comes back when one of you sends a message.';
    });
  },
};

async function blockList(s: ChatSession): Promise<void> {
  const items = await everyItem((cursor) => s.client.users.blocks({ limit: 100, cursor }));
  s.print(items.length === 0 ? 'Your blacklist is empty.' : `Your blacklist: ${items.map((u) => u.username ?? u.display_name).join(', ')}`);
}

export const blacklist: Command = {
  name: 'blacklist',
  usage: 'blacklist USER   or   blacklist (USER1 USER2 ...)   (no USER: show the list)',
  summary: 'block users: they cannot message you',
  async run(s, args) {
    if (args.trim() === '') return blockList(s);
    await resolve(s, targetsOnly(args), async (p) => {
      await s.client.users.block(p.id);
      return 'blacklisted — they can no longer message you.';
    });
  },
};

export const whitelist: Command = {
  name: 'whitelist',
  usage: 'whitelist USER   or   whitelist (USER1 USER2 ...)',
  summary: 'take users off your blacklist',
  async run(s, args) {
    const targets = targetsOnly(args);
    const blocked = new Set((await everyItem((cursor) => s.client.users.blocks({ limit: 100, cursor }))).map((u) => u.id));
    await resolve(s, targets, async (p) => {
      if (!blocked.has(p.id)) return 'was not on your blacklist.';
      await s.client.users.unblock(p.id);
      return 'removed from your blacklist.';
    });
  },
};
