/**
 * The search queue's batches alone, in CPU time (issue 17): messages are sent with the queue held
 * (queued, not indexed), then the queue is drained (catchUp: batches of up to QUEUE_BATCH, sized by their time, each its own
 * transaction and commit) and its CPU time divided by the messages it indexed. Several rounds in one
 * process, so the index grows as it would (FTS5 merges included).
 * `node bench/index-batch.ts [--messages 10000] [--rounds 4] [--rooms 100]`
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql as rawSql } from 'kysely';
import { openSendCore, ownRoomSenders, PADDING } from './lib/send-core.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '4' },
    rooms: { type: 'string', default: '100' },
    sql: { type: 'string', multiple: true, default: [] },
  },
});
const total = Number(values.messages);
const { core, dataDir } = await openSendCore({ name: 'idxbatch' });
const { services } = core;
for (const q of values.sql) await rawSql.raw(q).execute((core.store as unknown as { db: never }).db);
const senders = await ownRoomSenders(core, Number(values.rooms));
const queue = (core.store as unknown as { searchQueue: { catchUp(): Promise<void>; closed: boolean } }).searchQueue;
let seq = 0;
const results: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  queue.closed = true;
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < total) {
        next++;
        const i = seq++;
        const s = senders[i % senders.length]!;
        await services.messages.send(s.actor, s.roomId, { content: `~${i % 100}.${i}.${Date.now()}~${PADDING}`, client_id: `c-${i}` });
      }
    }),
  );
  queue.closed = false;
  if (process.env.MARK) process.stderr.write('MARK-START\n');
  const cpu0 = process.cpuUsage();
  await queue.catchUp();
  if (process.env.MARK) process.stderr.write('MARK-END\n');
  const cpu = process.cpuUsage(cpu0);
  const us = (cpu.user + cpu.system) / total;
  results.push(us);
  console.log(`round ${round + 1}: ${total} messages indexed, ${us.toFixed(1)} µs CPU per message (index of ${seq})`);
}
const sorted = [...results].sort((a, b) => a - b);
console.log(`median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} µs per message`);
await core.close();
rmSync(dataDir, { recursive: true, force: true });
