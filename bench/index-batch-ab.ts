/**
 * The search queue's batches, A against B in one process (issue 17): two stores, each with its
 * own SQL run on its writer first (--sql-a, --sql-b: pragmas, FTS5 settings), filled alike through
 * store.transaction (seconds, where index-batch.ts's sends take half a minute), then their queues
 * indexed a batch at a time, A and B alternated, each batch's CPU time on this thread
 * (process.threadCpuUsage: the checkpointer's thread is left out). What the machine's other load
 * does to one it does to the other: on a shared machine a null run (no --sql) reads 0.92-1.10 per
 * 10,000 messages and ~0.98 over 40,000, where separate runs of index-batch.ts spread 33-73 µs.
 * --savepoint runs every batch in a savepoint, as a unit after the first of a group commit runs
 * (--savepoint-b: B's only). Reports per --report messages and in total.
 * `node bench/index-batch-ab.ts [--messages 40000] [--rooms 100] [--prefill N] [--sql-a …] [--sql-b …]`
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql as rawSql } from 'kysely';
import { newId } from '../packages/server/src/domain/ids.ts';
import { indexQueued, QUEUE_BATCH } from '../packages/server/src/store/sql/search/search-queue.ts';
import { openSendCore, ownRoomSenders, PADDING } from './lib/send-core.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '40000' },
    rooms: { type: 'string', default: '100' },
    prefill: { type: 'string', default: '0' },
    savepoint: { type: 'boolean', default: false },
    'savepoint-b': { type: 'boolean', default: false },
    'sql-a': { type: 'string', multiple: true, default: [] },
    'sql-b': { type: 'string', multiple: true, default: [] },
    report: { type: 'string', default: '10000' },
  },
});
type Side = Awaited<ReturnType<typeof side>>;
async function side(name: string, stmts: string[]) {
  const { core, dataDir } = await openSendCore({ name });
  const db = (core.store as unknown as { db: never }).db;
  for (const q of stmts) await rawSql.raw(q).execute(db);
  const senders = await ownRoomSenders(core, Number(values.rooms));
  const queue = core.store as unknown as {
    searchQueue: { closed: boolean; runWrite: (fn: (trx: never) => Promise<number>) => Promise<number>; rooms: Map<string, number> };
  };
  queue.searchQueue.closed = true;
  return { core, dataDir, senders, q: queue.searchQueue, seq: 0, us: 0, n: 0 };
}
const a = await side('idxab-a', values['sql-a']);
const b = await side('idxab-b', values['sql-b']);

async function fill(s: Side, n: number): Promise<void> {
  for (let done = 0; done < n; done += 500) {
    await s.core.store.transaction(async (tx) => {
      for (let k = done; k < Math.min(n, done + 500); k++) {
        const i = s.seq++;
        const snd = s.senders[i % s.senders.length]!;
        const at = new Date().toISOString();
        const next = (await tx.rooms.nextMessageSeq(snd.roomId, at))!;
        await tx.messages.insert({
          id: newId(),
          room_id: snd.roomId,
          seq: next.seq,
          sender_id: snd.actor.id,
          type: 'text',
          content: `~${i % 100}.${i}.${i * 7919}~${PADDING}`,
          parent_id: null,
          client_id: `c-${i}`,
          mentions: [],
          mentions_room: false,
          created_at: at,
        } as never);
      }
    });
  }
}
const batch = (s: Side) =>
  s.q.runWrite(async (trx: never) => {
    if (!values.savepoint && !(values['savepoint-b'] && s === b)) return indexQueued(trx, QUEUE_BATCH, s.q.rooms);
    await rawSql`savepoint unit`.execute(trx);
    const n = await indexQueued(trx, QUEUE_BATCH, s.q.rooms);
    await rawSql`release savepoint unit`.execute(trx);
    return n;
  });

const prefill = Number(values.prefill);
if (prefill > 0) {
  for (const s of [a, b]) {
    await fill(s, prefill);
    while ((await batch(s)) > 0);
  }
}
const total = Number(values.messages);
const step = Number(values.report);
for (let done = 0; done < total; done += step) {
  await fill(a, Math.min(step, total - done));
  await fill(b, Math.min(step, total - done));
  let ua = 0,
    ub = 0,
    na = 0,
    nb = 0;
  for (;;) {
    let t = process.threadCpuUsage();
    const ka = await batch(a);
    let d = process.threadCpuUsage(t);
    ua += d.user + d.system;
    na += ka;
    t = process.threadCpuUsage();
    const kb = await batch(b);
    d = process.threadCpuUsage(t);
    ub += d.user + d.system;
    nb += kb;
    if (ka === 0 && kb === 0) break;
  }
  a.us += ua;
  a.n += na;
  b.us += ub;
  b.n += nb;
  console.log(
    `index of ${prefill + done + step}: A ${(ua / na).toFixed(1)} µs/msg, B ${(ub / nb).toFixed(1)} µs/msg, B/A ${(ub / nb / (ua / na)).toFixed(3)}`,
  );
}
console.log(
  `total: A ${(a.us / a.n).toFixed(1)} µs/msg, B ${(b.us / b.n).toFixed(1)} µs/msg, B/A ${(b.us / b.n / (a.us / a.n)).toFixed(3)}`,
);
for (const s of [a, b]) {
  await s.core.close();
  rmSync(s.dataDir, { recursive: true, force: true });
}
