/**
 * What the search index costs a message, in CPU time, in-process (issue 17's S1 ratio): MessagesService.send
 * on a fresh SQLite database at a steady rate over R rooms (S1's 100×10 grid: 100 rooms), bodies like
 * the load generator's (~100 characters), then the search queue drained; CPU µs per message from
 * process.cpuUsage over the sends and the drain. Run it with and without --no-index (the
 * rooms-noindex target's store), alternated, to get the index's share.
 * `node bench/index-cpu.ts [--messages 20000] [--rate 2000] [--rooms 100] [--no-index]`
 * (SQL_TIMING=1: time per SQL statement, printed at the end)
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSendCore, ownRoomSenders, PADDING } from './lib/send-core.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '2000' },
    rooms: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '2000' },
    'no-index': { type: 'boolean', default: false },
  },
});
const total = Number(values.messages);
const rate = Number(values.rate);
const warmup = Number(values.warmup);
const { core, dataDir } = await openSendCore({ name: 'idxcpu', searchIndex: !values['no-index'] });
const { services } = core;
const senders = await ownRoomSenders(core, Number(values.rooms));
const queue = (core.store as unknown as { searchQueue?: { catchUp(): Promise<void> } }).searchQueue;

let seq = 0;
/** Sends n messages at `rate` per second (a tick every 5 ms), round robin over the rooms; resolves when all are acknowledged. */
async function run(n: number): Promise<void> {
  const pending = new Set<Promise<unknown>>();
  const t0 = performance.now();
  let sent = 0;
  while (sent < n) {
    const due = Math.min(n, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const i = seq++;
      const s = senders[i % senders.length]!;
      const p = services.messages.send(s.actor, s.roomId, { content: `~${i % 100}.${i}.${Date.now()}~${PADDING}`, client_id: `c-${i}` });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    await sleep(5);
  }
  await Promise.all(pending);
  await queue?.catchUp();
}

await run(warmup);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(total);
const cpu = process.cpuUsage(cpu0);
const secs = (performance.now() - t0) / 1000;
console.log(
  `${values['no-index'] ? 'noindex' : 'index  '} ${total} messages over ${senders.length} rooms at ${rate}/s (achieved ${Math.round(total / secs)}/s): ${((cpu.user + cpu.system) / total).toFixed(1)} µs CPU per message`,
);
await core.close();
rmSync(dataDir, { recursive: true, force: true });
