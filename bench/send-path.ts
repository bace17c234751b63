/**
 * The send path without sockets: MessagesService.send in-process on a fresh database, with C sends
 * in flight at once, so the cost of storing a message (queries, transaction, commit) is measured
 * apart from fan-out. `node bench/send-path.ts [--messages 20000] [--concurrency 64] [--database-url postgres://…] [--no-index]`
 * (--no-index: the store writes no search index, as the rooms-noindex bench target: the index's cost per send)
 * (SQL_TIMING=1 in the environment: time per SQL statement, printed at the end)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../packages/server/src/config/config.ts';
import { openCore } from '../packages/server/src/core.ts';
import { systemClock } from '../packages/server/src/ports/clock.ts';

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
const dataDir = mkdtempSync(join(tmpdir(), 'rooms-send-'));
const config = loadConfig({
  DATA_DIR: dataDir,
  BCRYPT_COST: '10',
  MESSAGE_RATE_LIMIT: '100000',
  ...(process.env.SQL_TIMING ? { SQL_TIMING: 'true' } : {}),
  ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
});
// With SQL_TIMING set, the per-statement totals are printed at the end (the server logs them at shutdown).
const timingLog = {
  info: (o: { statements?: { sql: string; count: number; mean_us: number; max_us: number; total_ms: number }[] }) =>
    o.statements && console.table(o.statements.map((t) => ({ ...t, sql: t.sql.slice(0, 90) }))),
  warn() {},
  error() {},
};
const core = await openCore(config, {
  clock: systemClock,
  ...(config.SQL_TIMING ? { logger: timingLog as never } : {}),
  ...(values['no-index'] ? { searchIndex: false } : {}),
});
const { services } = core;
const roomsN = Number(values.rooms);
const senders: { actor: { id: string; isAdmin: boolean; tokenVersion: number; ip: string }; roomId: string }[] = [];
for (let i = 0; i < roomsN; i++) {
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
