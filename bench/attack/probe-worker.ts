/**
 * The signed-in user's probe, in a worker thread of its own so that the load generator's busy event
 * loop does not delay it. Open loop: request i is due at start + i / rate whatever happened to the
 * others, and its latency runs from that intended time, so a stalled server counts fully (requests
 * still unanswered when the phase ends count with the time they have waited so far).
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface ProbeConfig {
  url: string;
  path: string;
  token: string;
  localAddress: string;
  hz: number;
}

export interface ProbeSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers other than 200 (or errors). */
  failed: number;
  /** Requests still unanswered when the phase ended (counted with the time they had waited). */
  unanswered: number;
  statuses: Record<string, number>;
}

const cfg = workerData as ProbeConfig;
const u = new URL(cfg.url);
// Enough sockets that requests queue here only once the server takes over 5 s to answer (256
// sockets / 50 Hz): the latency is the server's, not this client's, up to there.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const interval = 1000 / cfg.hz;

interface Sample {
  intended: number;
  ms: number;
  status: number;
}

let samples: Sample[] = [];
/** Requests in flight by intended time: those still unanswered when a phase ends are cut off. */
const pending = new Map<number, http.ClientRequest>();
let timer: NodeJS.Timeout | undefined;

function fire(intended: number): void {
  const finish = (status: number) => {
    if (!pending.delete(intended)) return;
    samples.push({ intended, ms: performance.now() - intended, status });
  };
  const req = http.request(
    {
      host: u.hostname,
      port: Number(u.port),
      path: cfg.path,
      agent,
      localAddress: cfg.localAddress,
      headers: { authorization: `Bearer ${cfg.token}` },
    },
    (res) => {
      res.resume();
      res.on('end', () => finish(res.statusCode ?? 0));
      res.on('error', () => finish(0));
    },
  );
  req.setTimeout(120_000, () => req.destroy());
  req.on('error', () => finish(0));
  req.end();
  pending.set(intended, req);
}

function start(): void {
  samples = [];
  const t0 = performance.now();
  let i = 0;
  const tick = () => {
    const due = Math.floor((performance.now() - t0) / interval) + 1;
    for (; i < due; i++) fire(t0 + i * interval);
    timer = setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
  };
  tick();
}

async function stop(graceMs: number): Promise<ProbeSummary> {
  clearTimeout(timer);
  const until = performance.now() + graceMs;
  while (pending.size > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  const now = performance.now();
  const all = [...samples, ...[...pending.keys()].map((intended) => ({ intended, ms: now - intended, status: -1 }))];
  // The next phase must not queue behind this one's stragglers.
  const stragglers = [...pending.values()];
  pending.clear();
  for (const req of stragglers) req.destroy();
  const ms = all.map((s) => s.ms).sort((a, b) => a - b);
  const at = (p: number) => ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)] ?? 0;
  const statuses: Record<string, number> = {};
  for (const s of all) {
    const k = s.status === -1 ? 'pending' : s.status === 0 ? 'no answer' : String(s.status);
    statuses[k] = (statuses[k] ?? 0) + 1;
  }
  const unanswered = statuses.pending ?? 0;
  return {
    count: all.length,
    p50: at(50),
    p99: at(99),
    max: ms.at(-1) ?? 0,
    failed: all.length - unanswered - (statuses['200'] ?? 0),
    unanswered,
    statuses,
  };
}

parentPort!.postMessage('ready');
parentPort!.on('message', (m: { cmd: 'start' } | { cmd: 'stop'; graceMs: number } | { cmd: 'close' }) => {
  if (m.cmd === 'start') start();
  else if (m.cmd === 'stop') void stop(m.graceMs).then((s) => parentPort!.postMessage(s));
  else {
    agent.destroy();
    parentPort!.close();
  }
});
