/**
 * Slow request bodies against the real server (child process, SQLite, REQUEST_TIMEOUT and
 * MAX_CONNECTIONS_PER_IP at their defaults unless set in the environment): --clients sockets
 * from --ips loopback addresses (127.0.0.1, .2, …) each announce a 1 MB body and send a byte of
 * it every --drip seconds, while a signed-in client on another address (127.0.1.1) asks
 * GET /auth/me on a fresh connection twice a second, and a probe from the attackers' first
 * address does the same. Prints what became of the slow sockets and the latency of the others.
 * Usage: node bench/slow-bodies.ts [--clients 2000] [--ips 1] [--seconds 45] [--drip 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_SETUP_TOKEN, startServer } from './lib/server.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '2000' },
    ips: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '45' },
    drip: { type: 'string', default: '5' },
  },
});
const clients = Number(values.clients);
const ips = Number(values.ips);
const seconds = Number(values.seconds);
const dripMs = Number(values.drip) * 1000;

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '—');

const dataDir = mkdtempSync(join(tmpdir(), 'rooms-bench-'));
const settings = {
  REQUEST_TIMEOUT: process.env.REQUEST_TIMEOUT ?? '30',
  MAX_CONNECTIONS_PER_IP: process.env.MAX_CONNECTIONS_PER_IP ?? '1000',
};
const server = await startServer({ DATA_DIR: dataDir, ...settings });
const { hostname, port } = new URL(server.url);

interface Slow {
  opened: number;
  closedAfter?: number;
  answer?: string;
}
const slow: Slow[] = [];

function openSlow(localAddress: string): Promise<void> {
  return new Promise((resolve) => {
    const s: Slow = { opened: performance.now() };
    slow.push(s);
    const socket = connect({ host: hostname, port: Number(port), localAddress });
    let timer: NodeJS.Timeout | undefined;
    socket.on('error', () => {});
    socket.on('data', (d) => (s.answer ??= d.toString().split('\r\n')[0]));
    socket.once('close', () => {
      s.closedAfter = performance.now() - s.opened;
      clearInterval(timer);
      resolve();
    });
    socket.once('connect', () => {
      socket.write(`POST /auth/login HTTP/1.1\r\nHost: rooms\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`);
      timer = setInterval(() => socket.write('x'), dripMs);
      resolve();
    });
  });
}

/** GET /auth/me on a fresh connection from localAddress: latency in ms, or the error's code. */
function me(localAddress: string, token: string): Promise<{ ms: number; status: number } | { error: string }> {
  return new Promise((resolve) => {
    const t = performance.now();
    const req = request(
      {
        host: hostname,
        port: Number(port),
        path: '/auth/me',
        localAddress,
        agent: false,
        headers: { authorization: `Bearer ${token}` },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - t, status: res.statusCode ?? 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

try {
  const signup = await fetch(`${server.url}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: 'bench_me',
      email: 'me@bench.test',
      password: 'correct horse battery',
      setup_token: BENCH_SETUP_TOKEN,
    }),
  });
  const { token } = (await signup.json()) as { token: string };

  const idle = [];
  for (let i = 0; i < 10; i++) idle.push(await me('127.0.1.1', token));
  const before = idle.flatMap((r) => ('ms' in r ? [r.ms] : []));

  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, i) => openSlow(`127.0.0.${1 + (i % ips)}`)));
  const openedIn = performance.now() - started;

  const normal: number[] = [];
  const normalErrors: string[] = [];
  const probe = { answered: 0, refused: 0 };
  const timeline: string[] = [];
  const end = started + seconds * 1000;
  let nextLine = started;
  while (performance.now() < end) {
    const [n, p] = await Promise.all([me('127.0.1.1', token), me('127.0.0.1', token)]);
    if ('ms' in n && n.status === 200) normal.push(n.ms);
    else normalErrors.push('error' in n ? n.error : String(n.status));
    if ('ms' in p) probe.answered++;
    else probe.refused++;
    if (performance.now() >= nextLine) {
      const open = slow.filter((s) => s.closedAfter === undefined).length;
      timeline.push(
        `| ${((performance.now() - started) / 1000).toFixed(0)} s | ${open} | ${'ms' in n ? ms(n.ms) : n.error} | ${'ms' in p ? `answered ${p.status}` : `refused (${p.error})`} |`,
      );
      nextLine += 5000;
    }
    await new Promise((r) => setTimeout(r, 500));
  }

  // A refused socket is closed unanswered; one cut by the timeout gets a 408 first.
  const refused = slow.filter((s) => s.closedAfter !== undefined && s.answer === undefined);
  const refusedAfter = refused.map((s) => s.closedAfter!);
  const cut = slow.filter((s) => s.answer?.startsWith('HTTP/1.1 408'));
  const stillOpen = slow.filter((s) => s.closedAfter === undefined);
  const cutAfter = cut.map((s) => s.closedAfter! / 1000);
  console.log(
    `\nslow bodies — ${clients} sockets from ${ips} address(es), a byte every ${dripMs / 1000} s, ${seconds} s; REQUEST_TIMEOUT=${settings.REQUEST_TIMEOUT} MAX_CONNECTIONS_PER_IP=${settings.MAX_CONNECTIONS_PER_IP}\n`,
  );
  console.log(
    `slow sockets: ${clients} opened in ${openedIn.toFixed(0)} ms; refused (closed unanswered) ${refused.length} (within ${ms(percentile(refusedAfter, 100))} of connecting); cut with 408 ${cut.length} (after ${percentile(cutAfter, 0).toFixed(1)}–${percentile(cutAfter, 100).toFixed(1)} s); still open at the end ${stillOpen.length}`,
  );
  console.log(
    `GET /auth/me from another address, fresh connection: before the flood p50 ${ms(percentile(before, 50))}; during it ${normal.length} answered, p50 ${ms(percentile(normal, 50))}, p99 ${ms(percentile(normal, 99))}, max ${ms(percentile(normal, 100))}; failed ${normalErrors.length} ${normalErrors.slice(0, 3).join(' ')}`,
  );
  console.log(`GET /auth/me from the attackers' address 127.0.0.1: answered ${probe.answered}, refused ${probe.refused}\n`);
  console.log('| time | slow sockets open | /auth/me (other address) | probe from 127.0.0.1 |\n| --- | --- | --- | --- |');
  for (const line of timeline) console.log(line);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
