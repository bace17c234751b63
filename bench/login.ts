/**
 * Login throughput: the real server (child process, default bcrypt cost unless BCRYPT_COST is set)
 * against closed-loop clients, next to the baseline of raw bcrypt.compare calls at the same cost
 * on the same machine in the same run. Usage: npm run bench:login -- [--seconds 10] [--concurrency 8]
 */
import bcrypt from 'bcrypt';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_SETUP_TOKEN, freshDatabase, startServer } from './lib/server.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    cost: { type: 'string', default: process.env.BCRYPT_COST ?? '12' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const cost = Number(values.cost);

const percentile = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

async function closedLoop(work: () => Promise<void>): Promise<{ ops: number; latencies: number[] }> {
  const end = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await work();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { ops: latencies.length / seconds, latencies };
}

const dataDir = mkdtempSync(join(tmpdir(), 'rooms-bench-'));
const database = await freshDatabase(process.env.BENCH_DATABASE_URL || undefined);
const server = await startServer({ DATA_DIR: dataDir, BCRYPT_COST: String(cost), DATABASE_URL: database?.url ?? '' });
try {
  const password = 'correct horse battery';
  const users = Array.from({ length: concurrency }, (_, i) => `bench_${i}`);
  for (const username of users) {
    const r = await fetch(`${server.url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@bench.test`, password, setup_token: BENCH_SETUP_TOKEN }),
    });
    if (r.status !== 201) throw new Error(`signup ${r.status}`);
  }
  let i = 0;
  let failures = 0;
  const rooms = await closedLoop(async () => {
    const username = users[i++ % users.length];
    const r = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    await r.arrayBuffer();
    if (r.status !== 200) failures++;
  });
  const hash = await bcrypt.hash('x'.repeat(44), cost);
  const raw = await closedLoop(async () => {
    await bcrypt.compare('x'.repeat(44), hash);
  });
  const row = (name: string, r: { ops: number; latencies: number[] }) =>
    `| ${name} | ${r.ops.toFixed(1)} | ${percentile(r.latencies, 50).toFixed(0)} | ${percentile(r.latencies, 99).toFixed(0)} |`;
  console.log(
    `\nlogin throughput — bcrypt cost ${cost}, ${concurrency} concurrent clients, ${seconds} s each, ${availableParallelism()} cores, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}\n`,
  );
  console.log('| target | ops/s | p50 ms | p99 ms |\n| --- | --- | --- | --- |');
  console.log(row('Rooms POST /auth/login', rooms));
  console.log(row('baseline: bcrypt.compare alone', raw));
  console.log(`\nratio Rooms / baseline: ${(rooms.ops / raw.ops).toFixed(2)}; failed logins: ${failures}`);
} finally {
  await server.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
