/**
 * The search queue's batches alone, in CPU time (issue 17): messages are sent with the queue held
 * (queued, not indexed), then the queue is drained (catchUp: batches of QUEUE_BATCH, each its own
 * transaction and commit) and its CPU time divided by the messages it indexed. Several rounds in one
 * process, so the index grows as it would (FTS5 merges included).
 * `node bench/index-batch.ts [--messages 10000] [--rounds 4] [--rooms 100]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql as rawSql } from 'kysely';
import { loadConfig } from '../packages/server/src/config/config.ts';
import { openCore } from '../packages/server/src/core.ts';
import { systemClock } from '../packages/server/src/ports/clock.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '4' },
    rooms: { type: 'string', default: '100' },
    sql: { type: 'string', multiple: true, default: [] },
  },
});
const total = Number(values.messages);
const dataDir = mkdtempSync(join(tmpdir(), 'rooms-idxbatch-'));
const config = loadConfig({ DATA_DIR: dataDir, BCRYPT_COST: '10', MESSAGE_RATE_LIMIT: '100000' });
const core = await openCore(config, { clock: systemClock });
const { services } = core;
for (const q of values.sql) await rawSql.raw(q).execute((core.store as unknown as { db: never }).db);
const senders: { actor: { id: string; isAdmin: boolean; tokenVersion: number; ip: string }; roomId: string }[] = [];
for (let i = 0; i < Number(values.rooms); i++) {
  const s = await services.accounts.createAccount({
    username: `sender${i}`,
    email: `s${i}@x.test`,
    password: 'correct horse battery',
    display_name: `Sender ${i}`,
  } as never);
  const actor = { id: s.user.id, isAdmin: false, tokenVersion: 0, ip: '127.0.0.1' };
  const room = await services.rooms.create(actor, { name: `room-${i}`, type: 'public', categories: [] } as never);
  senders.push({ actor, roomId: room.id });
}
const FILLER = ' the quick brown fox jumps over the lazy dog while the bench keeps counting every single message';
const padding = FILLER.repeat(2).slice(0, 60);
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
        await services.messages.send(s.actor, s.roomId, { content: `~${i % 100}.${i}.${Date.now()}~${padding}`, client_id: `c-${i}` });
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
