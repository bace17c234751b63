/**
 * The send path without sockets: MessagesService.send in-process on a fresh database, with C sends
 * in flight at once, so the cost of storing a message (queries, transaction, commit) is measured
 * apart from fan-out. `node bench/send-path.ts [--messages 20000] [--concurrency 64] [--database-url postgres://…] [--no-index]`
 * (--no-index: the store writes no search index, as the rooms-noindex bench target: the index's cost per send)
 * (SQL_TIMING=1 in the environment: time per SQL statement, printed at the end)
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openSendCore, ownRoomSenders } from './lib/send-core.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    'database-url': { type: 'string' },
    rooms: { type: 'string', default: '10' },
    'no-index': { type: 'boolean', default: false },
  },
});
const total = Number(values.messages);
const concurrency = Number(values.concurrency);
const { core, config, dataDir } = await openSendCore({
  name: 'send',
  databaseUrl: values['database-url'],
  searchIndex: !values['no-index'],
});
const { services } = core;
const roomsN = Number(values.rooms);
const senders = await ownRoomSenders(core, roomsN);
let next = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const s = senders[i % senders.length]!;
      await services.messages.send(s.actor, s.roomId, { content: `message ${i} hello there`, client_id: `c-${i}` });
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
console.log(
  `${total} sends, ${concurrency} in flight, ${config.DATABASE_URL ? 'postgres' : 'sqlite'}${values['no-index'] ? ' without the search index' : ''}: ${Math.round(total / secs)} sends/s, ${(((cpu.user + cpu.system) / 1000 / total) * 1000).toFixed(0)} µs CPU per send`,
);
await core.close();
rmSync(dataDir, { recursive: true, force: true });
