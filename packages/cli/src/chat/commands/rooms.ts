import { historyLine } from '../format.ts';
import { marksFor } from '../search-format.ts';
import { type Command, count, none, text, UsageError } from './types.ts';
import { takeAttachments } from './upload.ts';

export const rooms: Command = {
  name: 'rooms',
  usage: 'rooms',
  summary: 'your rooms, and public rooms you can join',
  async run(s, args) {
    none(args);
    const [{ items: mine }, { items: open }] = await Promise.all([s.client.rooms.list(), s.client.rooms.discover({ limit: 20 })]);
    await s.refreshRooms();
    const lines = ['Your rooms:'];
    for (const r of mine) {
      const name = r.type === 'direct' ? (r.peer?.username ?? 'deleted user') : r.name;
      const about = r.type === 'direct' ? 'direct' : `${r.type}, ${r.member_count} member${r.member_count === 1 ? '' : 's'}`;
      lines.push(`  ${s.room?.id === r.id ? '*' : ' '} ${name} — ${about}${r.unread_count > 0 ? `, ${r.unread_count} unread` : ''}`);
    }
    if (mine.length === 0) lines.push('    none yet');
    const joinable = open.filter((r) => !mine.some((m) => m.id === r.id));
    if (joinable.length > 0)
      lines.push(
        'Public rooms to join:',
        ...joinable.map((r) => `    ${r.name} — ${r.member_count} member${r.member_count === 1 ? '' : 's'}`),
      );
    s.print(lines.join('\n'));
  },
};

export const join: Command = {
  name: 'join',
  usage: 'join ROOM   (a room of yours, a public room, or a person you have a direct room with)',
  summary: 'make ROOM the current room (joining it if public)',
  async run(s, args) {
    const name = text(args).toLowerCase();
    const mine = (await s.refreshRooms()).find((r) => r.name.toLowerCase() === name);
    if (mine) {
      s.enter(mine);
      return s.print(`Now in ${mine.name}.`);
    }
    const { items } = await s.client.rooms.discover({ q: args.trim(), limit: 20 });
    const found = items.find((r) => r.name.toLowerCase() === name) ?? (items.length === 1 ? items[0] : undefined);
    if (!found) return s.print(`No public room named "${args.trim()}": rooms lists them.`);
    const room = await s.client.rooms.join(found.id);
    s.enter({ id: room.id, name: room.name, direct: false });
    s.print(`Joined ${room.name} (${room.member_count} members). Now in ${room.name}.`);
  },
};

export const say: Command = {
  name: 'say',
  usage: 'say MSG   (with files waiting from upload, MSG may be left out)',
  summary: 'a message in the current room, with the files you uploaded',
  async run(s, args) {
    const content = args.trim();
    if (!content && s.attachments.length === 0) throw new UsageError('empty');
    const room = s.room;
    if (!room) return s.print('You are in no room: join one first (rooms lists them).');
    const files = takeAttachments(s);
    const sending = s.live.send(room.id, content, files.ids.length ? { attachments: files.ids } : {});
    if (s.live.status === 'connected') {
      await sending.catch((err: unknown) => {
        files.restore();
        throw err;
      });
      return;
    }
    s.print('Queued: the connection is down; it goes out when it is back.');
    sending.catch((err: Error) => {
      files.restore();
      s.print(`*** Your message to ${room.name} was not sent: ${err.message}`);
    });
  },
};

export const history: Command = {
  name: 'history',
  usage: 'history [N]   (the last N messages of the current room, 1-100, default 20)',
  summary: 'what was said in the current room',
  async run(s, args) {
    const n = args.trim() === '' ? 20 : count(args, 1, 100);
    const room = s.room;
    if (!room) return s.print('You are in no room: join one first (rooms lists them).');
    const { items } = await s.client.messages.list(room.id, { limit: n });
    s.print(
      items.length === 0
        ? `Nothing was said in ${room.name} yet.`
        : [
            `Last ${items.length} in ${room.name}:`,
            ...items.reverse().map((m) => historyLine(m, '  ', s.client.http.baseUrl, marksFor(s.term.tty).dim)),
          ].join('\n'),
    );
  },
};
