/**
 * The send path at a steady rate, in-process: MessagesService.send at a fixed rate over R rooms
 * (as the load generator paces them: one timer tick per due send), with the fan-out's hub on the
 * bus (it encodes each event once) but no sockets. It prints the process's CPU per message
 * (process.cpuUsage: every thread, the checkpointer's too) over a measured window after a warm-up:
 * the per-message part of what bench:fixed measures, without the per-delivery part.
 * `node bench/send-steady.ts [--rate 200] [--seconds 10] [--warmup 3] [--rooms 10] [--senders 10] [--database-url postgres://…] [--profile out.cpuprofile]`
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../packages/server/src/config/config.ts';
import { openCore } from '../packages/server/src/core.ts';
import { systemClock } from '../packages/server/src/ports/clock.ts';
import { Hub } from '../packages/server/src/realtime/hub.ts';
import { cpuMsByThread } from './lib/proc.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    rooms: { type: 'string', default: '10' },
    senders: { type: 'string', default: '10' },
    'database-url': { type: 'string' },
    /** Write a CPU profile of the measured window (the DevTools profiler, in-process) to this file. */
    profile: { type: 'string' },
  },
});
const rate = Number(values.rate);
const roomsN = Number(values.rooms);
const sendersN = Number(values.senders);
const dataDir = mkdtempSync(join(tmpdir(), 'rooms-steady-'));
const config = loadConfig({
  DATA_DIR: dataDir,
  BCRYPT_COST: '10',
  MESSAGE_RATE_LIMIT: '100000',
  ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
});
const core = await openCore(config, { clock: systemClock });
const { services } = core;
const hub = new Hub(core.ports.bus);

type Actor = { id: string; isAdmin: boolean; tokenVersion: number; ip: string };
const rooms: { roomId: string; senders: Actor[] }[] = [];
for (let r = 0; r < roomsN; r++) {
  const actors: Actor[] = [];
  let roomId = '';
  for (let s = 0; s < sendersN; s++) {
    const u = await services.accounts.createAccount({
      username: `sender${r}x${s}`,
      email: `s${r}x${s}@x.test`,
      password: 'correct horse battery',
      display_name: `Sender ${r}/${s}`,
    } as never);
    const actor = { id: u.user.id, isAdmin: false, tokenVersion: 0, ip: '127.0.0.1' };
    if (s === 0) roomId = (await services.rooms.create(actor, { name: `room-${r}`, type: 'public', categories: [] } as never)).id;
    else await services.rooms.join(actor, roomId);
    actors.push(actor);
  }
  rooms.push({ roomId, senders: actors });
}

let failed = 0;
/** Sends at `rate` for `seconds`, paced like bench/lib/loadgen.ts; resolves once every send has been answered. */
async function step(seconds: number, tag: string): Promise<number> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = performance.now() + 10;
  let i = 0;
  let answered = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      for (; i < due; i++) {
        const r = i % roomsN;
        const j = (i - r) / roomsN;
        const room = rooms[r]!;
        services.messages
          .send(room.senders[j % sendersN]!, room.roomId, {
            content: `~${tag}.${r}.${j}.${Math.round(performance.now() * 1000)}~ hello there`,
          })
          .catch(() => failed++)
          .finally(() => {
            if (++answered === total) done();
          });
      }
      if (i < total) setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  return total;
}

await step(Number(values.warmup), 'w');
const inspector = values.profile ? new (await import('node:inspector/promises')).Session() : undefined;
if (inspector) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
  await inspector.post('Profiler.start');
}
// TRACE="perf record -g -o out.data -p" (or "strace -c -f -o out.txt -p"): run that tool on this process during the measured window
// (the process id is appended; run node with --perf-basic-prof for perf to name JS functions).
const tracer = process.env.TRACE
  ? (await import('node:child_process')).spawn('sh', ['-c', `exec ${process.env.TRACE} ${process.pid}`], { stdio: 'ignore' })
  : undefined;
if (tracer) await new Promise((resolve) => setTimeout(resolve, 500));
const threads0 = cpuMsByThread(process.pid);
const cpu0 = process.cpuUsage();
const n = await step(Number(values.seconds), 'm');
const cpu = process.cpuUsage(cpu0);
const threads1 = cpuMsByThread(process.pid);
if (tracer) {
  tracer.kill('SIGINT');
  await new Promise((resolve) => tracer.once('exit', resolve));
}
if (inspector) {
  const { profile } = await inspector.post('Profiler.stop');
  writeFileSync(values.profile!, JSON.stringify(profile));
  inspector.disconnect();
}
console.log(
  `${config.DATABASE_URL ? 'postgres' : 'sqlite'} ${rate} msg/s over ${roomsN} rooms: ${((cpu.user + cpu.system) / n) | 0} µs CPU per message ` +
    `(user ${(cpu.user / n) | 0}, system ${(cpu.system / n) | 0}), ${n} sends${failed ? `, ${failed} failed` : ''}`,
);
const byName = [...threads1].map(([name, ms]) => [name, ms - (threads0.get(name) ?? 0)] as const).filter(([, ms]) => ms > 0);
console.log(
  `  by thread, µs per message: ${[...byName]
    .sort((a, b) => b[1] - a[1])
    .map(([k, ms]) => `${k} ${((1000 * ms) / n).toFixed(0)}`)
    .join(', ')}`,
);
hub.close();
await core.close();
rmSync(dataDir, { recursive: true, force: true });
