/**
 * Real-time fan-out of one room on one node: the real server (child process, SQLite unless
 * BENCH_DATABASE_URL is set) and, in this process, one WebSocket client per member. A few members
 * send at a fixed open-loop rate; each message carries its intended send time, so a late sender
 * (coordinated omission) counts against the latency, not in its favour. Every member receives
 * every message (the sender too). Reports deliveries per second and the latency from intended
 * send to receipt, with duplicates and missing deliveries. With BENCH_DATABASE_URL (an admin URL of
 * a PostgreSQL server) it runs on a fresh database created there and dropped afterwards.
 * Usage: npm run bench:realtime -- [--members 100] [--senders 10] [--rates 50,100,200,300,400,500,600] [--seconds 10]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { freshDatabase, startServer } from './lib/server.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100' },
    senders: { type: 'string', default: '10' },
    rates: { type: 'string', default: '50,100,200,300,400,500,600' },
    seconds: { type: 'string', default: '10' },
  },
});
const MEMBERS = Number(values.members);
const SENDERS = Math.min(Number(values.senders), MEMBERS);
const RATES = values.rates.split(',').map(Number);
const SECONDS = Number(values.seconds);
/** Per user and 10 s window; the default (10) would refuse a bench's senders at once. */
const RATE_LIMIT = 100_000;
const DRAIN_MS = 5000;

const percentile = (sorted: Float64Array, p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system, all threads) of a process in ms, from /proc (Linux); undefined elsewhere. */
function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
  } catch {
    return undefined;
  }
}

async function post(url: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body ?? {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Runs fn over items with at most n at once. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }));
  return out;
}

/** One member's socket: counts deliveries of the current run and their latency. */
interface Member {
  ws: WebSocket;
  seen: Set<string>;
  pending: Map<string, (f: Frame) => void>;
  closed: string | undefined;
}

interface Frame {
  type: string;
  id?: string;
  error?: { code: string };
  data?: { message?: { content?: string } };
}

interface Run {
  tag: string;
  latencies: number[];
  deliveries: number;
  duplicates: number;
  lastReceipt: number;
}

let current: Run | undefined;

function openMember(base: string, token: string): Promise<Member> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?token=${token}`, { perMessageDeflate: false });
  const m: Member = { ws, seen: new Set(), pending: new Map(), closed: undefined };
  let ready: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  ws.on('message', (data) => {
    const now = performance.now();
    const f = JSON.parse(data.toString()) as Frame;
    if (f.id !== undefined) {
      m.pending.get(f.id)?.(f);
      m.pending.delete(f.id);
      return;
    }
    if (f.type === 'ready') ready();
    if (f.type !== 'message_created' || !current) return;
    const content = f.data?.message?.content ?? '';
    // content: "<run tag> <sender> <k> <intended ms>"
    const [tag, sender, k, intended] = content.split(' ');
    if (tag !== current.tag) return;
    const key = `${sender}:${k}`;
    if (m.seen.has(key)) {
      current.duplicates++;
      return;
    }
    m.seen.add(key);
    current.deliveries++;
    current.latencies.push(now - Number(intended));
    current.lastReceipt = now;
  });
  ws.on('close', (code, reason) => (m.closed = `${code} ${reason.toString()}`));
  return new Promise((resolve, reject) => {
    void isReady.then(() => resolve(m));
    ws.once('error', reject);
  });
}

/** A request over a member's socket, resolved with its ack or error frame. */
function request(m: Member, id: string, type: string, data: unknown): Promise<Frame> {
  return new Promise((resolve) => {
    m.pending.set(id, resolve);
    m.ws.send(JSON.stringify({ type, id, data }));
  });
}

/** Open loop: message k of sender s is due at start + (k * SENDERS + s) / rate, whatever happened to the ones before. */
async function runRate(members: Member[], roomId: string, rate: number, seconds: number, tag: string) {
  for (const m of members) m.seen.clear();
  const serverCpu0 = cpuMsOf(server.pid);
  const clientCpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const run: Run = { tag, latencies: [], deliveries: 0, duplicates: 0, lastReceipt: 0 };
  current = run;
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const start = performance.now() + 50;
  let sent = 0;
  let acked = 0;
  let refused = 0;
  const acks: Promise<void>[] = [];
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      for (; sent < total && start + sent * intervalMs <= now; sent++) {
        const k = sent;
        const s = k % SENDERS;
        const intended = start + k * intervalMs;
        const sender = members[s]!;
        acks.push(
          request(sender, `${tag}-${k}`, 'send_message', { room_id: roomId, content: `${tag} ${s} ${k} ${intended.toFixed(3)}` }).then((f) => {
            if (f.type === 'ack') acked++;
            else refused++;
          }),
        );
      }
      if (sent >= total) return done();
      setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(acks);
  const expected = acked * members.length;
  const drainUntil = performance.now() + DRAIN_MS;
  while (run.deliveries < expected && performance.now() < drainUntil) await sleep(20);
  current = undefined;
  const wall = performance.now() - wall0;
  const serverCpu1 = cpuMsOf(server.pid);
  const clientCpu = process.cpuUsage(clientCpu0);
  const sorted = Float64Array.from(run.latencies).sort();
  const elapsed = (run.lastReceipt - start) / 1000;
  return {
    rate,
    sent,
    acked,
    refused,
    deliveries: run.deliveries,
    deliveredPerSec: run.deliveries / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
    duplicates: run.duplicates,
    missing: expected - run.deliveries,
    closed: members.filter((m) => m.closed).length,
    serverCpu: serverCpu0 === undefined || serverCpu1 === undefined ? undefined : (100 * (serverCpu1 - serverCpu0)) / wall,
    clientCpu: (100 * (clientCpu.user + clientCpu.system)) / 1000 / wall,
    load: loadavg()[0]!,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'rooms-bench-rt-'));
const database = await freshDatabase(process.env.BENCH_DATABASE_URL || undefined);
const server = await startServer({ DATA_DIR: dataDir, BCRYPT_COST: '10', MESSAGE_RATE_LIMIT: String(RATE_LIMIT), DATABASE_URL: database?.url ?? '' });
try {
  const password = 'correct horse battery';
  const tokens = await pool(Array.from({ length: MEMBERS }, (_, i) => `rt_${i}`), 8, async (username) => {
    const r = await post(`${server.url}/auth/signup`, { username, email: `${username}@bench.test`, password });
    if (r.status !== 201) throw new Error(`signup ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token as string;
  });
  const room = await post(`${server.url}/rooms`, { name: 'bench room', type: 'public' }, tokens[0]);
  const roomId = room.body.id as string;
  await pool(tokens.slice(1), 8, async (token) => {
    const r = await post(`${server.url}/rooms/${roomId}/join`, {}, token);
    if (r.status !== 200) throw new Error(`join ${r.status} ${JSON.stringify(r.body)}`);
  });
  const members = await pool(tokens, 20, (token) => openMember(server.url, token));
  // A first frame from every client: the server holds live events of a new connection until the
  // client has had its chance to resume, and a ping answers that at once.
  await Promise.all(members.map((m, i) => request(m, `hello-${i}`, 'ping', {})));

  await runRate(members, roomId, 20, 2, 'warmup');
  const results = [];
  for (const rate of RATES) {
    results.push(await runRate(members, roomId, rate, SECONDS, `r${rate}`));
    await sleep(1000);
  }

  console.log(
    `\nreal-time fan-out — one room of ${MEMBERS} members on one node (${database ? 'PostgreSQL' : 'SQLite'}), ${SENDERS} senders, open loop, ${SECONDS} s per rate;` +
      ` MESSAGE_RATE_LIMIT raised to ${RATE_LIMIT} per 10 s; server and ${MEMBERS} clients share ${availableParallelism()} cores\n`,
  );
  console.log('| offered msg/s | offered deliveries/s | sent | acked | delivered/s | p50 ms | p99 ms | max ms | duplicates | missing | closed sockets | server CPU % | clients CPU % | load avg 1 min |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.rate} | ${r.rate * MEMBERS} | ${r.sent} | ${r.acked}${r.refused ? ` (${r.refused} refused)` : ''} | ${r.deliveredPerSec.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.duplicates} | ${r.missing} | ${r.closed} | ${r.serverCpu?.toFixed(0) ?? 'n/a'} | ${r.clientCpu.toFixed(0)} | ${r.load.toFixed(1)} |`,
    );
  }
  console.log('\nlatency: from the intended send time to receipt by each member; delivered/s: deliveries to all members, first intended send to last receipt;');
  console.log('CPU %: of one core, over the run (sending and draining), 100 = one core busy; load avg: the machine\'s, at the end of the run (other work skews the figures).');
  for (const m of members) m.ws.close();
} finally {
  await server.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
