/**
 * e. Slow clients: connections that announce a 1 MB body and dribble a byte every 5 s. Does the
 * server time them out, bound them per IP, and keep answering everyone else (on a connection it
 * already had, and on a new one)?
 */
import { execSync } from 'node:child_process';
import net from 'node:net';
import { ATTACKER, FRESH } from '../addresses.ts';
import { percentile, QUIET_MS, withTarget, type Ctx, type Scenario } from '../context.ts';
import { HttpClient, pool, sleep, Tally } from '../http.ts';
import { dur, type Row } from '../report.ts';

const DRIBBLE_MS = 5000;
/** File descriptors kept for everything else (the generator's own sockets, the probe...). */
const FD_RESERVE = 500;

interface Slow {
  socket: net.Socket;
  /** The first bytes the server answered with, if any. */
  answer: string;
  closedAt: number | undefined;
  error: string | undefined;
}

/** The open-file limit this process (and so the server it starts) runs with. */
function openFileLimit(): number {
  return Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim()) || 1024;
}

function openSlow(host: string, port: number, slows: Slow[]): Promise<void> {
  return new Promise((resolve) => {
    const s: Slow = { socket: net.connect({ host, port, localAddress: ATTACKER }), answer: '', closedAt: undefined, error: undefined };
    slows.push(s);
    s.socket.setNoDelay(true);
    s.socket.on('connect', () => {
      s.socket.write(
        `POST /auth/login HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`,
      );
      resolve();
    });
    s.socket.on('data', (d: Buffer) => {
      if (s.answer.length < 200) s.answer += d.toString('latin1');
    });
    s.socket.on('error', (err: NodeJS.ErrnoException) => {
      s.error ??= err.code ?? err.message;
      resolve();
    });
    s.socket.on('close', () => {
      s.closedAt ??= performance.now();
      resolve();
    });
  });
}

async function slowClients(ctx: Ctx): Promise<Row[]> {
  const limit = openFileLimit();
  const n = Math.min(ctx.slowClients, Math.max(0, limit - FD_RESERVE));
  return withTarget(ctx, {}, async (t, limits) => {
    const probe = t.probe(await t.signup('probe'));
    const u = new URL(t.url);
    // A normal request on a new connection each second: what a newcomer sees.
    const fresh = new Tally();
    const freshMs: number[] = [];
    let checking = true;
    const freshChecks = (async () => {
      while (checking) {
        const c = new HttpClient(t.url, 1);
        const a = await c.request('GET', '/healthz', { localAddress: FRESH, timeoutMs: 10_000, headers: { connection: 'close' } });
        c.close();
        fresh.add(a);
        freshMs.push(a.ms);
        await sleep(Math.max(0, 1000 - a.ms));
      }
    })();
    const quiet = await probe.measure(QUIET_MS);
    const freshQuiet = freshMs.length;
    const slows: Slow[] = [];
    const t0 = performance.now();
    let opened = 0;
    const { latency } = await probe.during(async () => {
      await pool(n, 100, async () => {
        await openSlow(u.hostname, Number(u.port), slows);
        opened++;
      });
      const openedMs = performance.now() - t0;
      const dribble = setInterval(() => {
        for (const s of slows) if (s.closedAt === undefined && !s.socket.destroyed) s.socket.write('"');
      }, DRIBBLE_MS);
      while (performance.now() - t0 < ctx.slowSeconds * 1000) await sleep(250);
      clearInterval(dribble);
      return openedMs;
    });
    checking = false;
    await freshChecks;
    const stillOpen = slows.filter((s) => s.closedAt === undefined).length;
    const tally = new Tally();
    const closedAfter: number[] = [];
    for (const s of slows) {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(s.answer)?.[1] ?? 0);
      if (s.closedAt !== undefined) closedAfter.push(s.closedAt - t0);
      if (status) tally.add({ status });
      else if (s.closedAt !== undefined) tally.add({ status: 0, error: s.error ?? 'closed without an answer' });
      else tally.add({ status: 0, error: 'still open' });
      s.socket.destroy();
    }
    const during = freshMs.slice(freshQuiet);
    const freshFailed = fresh.sent - (fresh.by.get('200') ?? 0);
    ctx.log(`e: ${n} slow connections, ${stillOpen} still open after ${ctx.slowSeconds} s (${tally.breakdown()})`);
    return [
      {
        id: 'e',
        attack: `slow clients: ${n.toLocaleString('en')} connections from one IP, Content-Length 1 MB, a byte every ${DRIBBLE_MS / 1000} s, held ${ctx.slowSeconds} s`,
        limits,
        unit: 'conns',
        tally,
        quiet,
        during: latency,
        outcome: [
          `still open at the end: ${stillOpen.toLocaleString('en')}/${n.toLocaleString('en')}${closedAfter.length ? `; the others closed after p50 ${dur(percentile(closedAfter, 50))}, max ${dur(Math.max(...closedAfter))} (${tally.breakdown()})` : ''}`,
          `${opened.toLocaleString('en')} connected`,
          `new connection GET /healthz during the attack: p50 ${dur(percentile(during, 50))}, max ${dur(Math.max(0, ...during))}, ${freshFailed} of ${fresh.sent} failed`,
          ...(n < ctx.slowClients ? [`reduced from ${ctx.slowClients} by the open-file limit (ulimit -n ${limit})`] : []),
        ],
        figures: { openFileLimit: limit, freshStatuses: Object.fromEntries(fresh.by) },
      },
    ];
  });
}

export const slowClientScenarios: Scenario[] = [{ id: 'e', title: 'slow clients', run: slowClients }];
