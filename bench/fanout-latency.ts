/**
 * A fan-out burst and everyone else: one room of --members sockets, --messages sent at once by one
 * of them, while a probe asks GET /healthz every 10 ms. Prints the probe's latency before and
 * during the burst, and how long the burst took to reach everyone. The probe runs on a worker
 * thread: the load generator's own event loop (parsing every delivery) must not count against
 * the server.
 *
 *   node bench/fanout-latency.ts --members 5000 --messages 200
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { startRooms } from './targets/rooms.ts';
import type { ClientEvents } from './targets/types.ts';

const { values } = parseArgs({ options: { members: { type: 'string', default: '5000' }, messages: { type: 'string', default: '200' } } });
const members = Number(values.members);
const messages = Number(values.messages);

const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
let running = true;
const times = [];
parentPort.on('message', () => (running = false));
(async () => {
  while (running) {
    const t = performance.now();
    await fetch(workerData.url + '/healthz').then((r) => r.text());
    times.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  parentPort.postMessage(times);
})();
`;

/** Probes the server until stop() and resolves with each answer's time, ms. */
function probe(url: string) {
  const worker = new Worker(PROBE, { eval: true, workerData: { url } });
  const done = new Promise<number[]>((resolve) => worker.once('message', resolve));
  return {
    async stop(): Promise<number[]> {
      worker.postMessage('stop');
      const times = await done;
      await worker.terminate();
      return times;
    },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const line = (label: string, xs: number[]) =>
  console.log(
    `${label.padEnd(18)} n=${String(xs.length).padStart(4)}  p50 ${pct(xs, 50).toFixed(1)} ms  p99 ${pct(xs, 99).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`,
  );

const target = await startRooms({ cores: undefined, nodeFlags: [] });
try {
  let deliveries = 0;
  let acks = 0;
  const events: ClientEvents = {
    delivery: () => void deliveries++,
    ack: () => void acks++,
    refused: (_c, _id, code) => console.error('refused', code),
    closed: () => {},
  };
  const clients = await target.connect({ rooms: 1, members }, events, { concurrency: 100 });
  console.log(`${clients.length} sockets in one room; ${messages} messages → ${messages * members} deliveries`);

  const idle = probe(target.url);
  await new Promise((r) => setTimeout(r, 2000));
  line('/healthz, idle', await idle.stop());

  const during = probe(target.url);
  await new Promise((r) => setTimeout(r, 200));
  const started = performance.now();
  for (let i = 0; i < messages; i++) clients[0]!.send(i + 1, `burst ${i}`);
  const expected = messages * members;
  while (deliveries < expected && performance.now() - started < 300_000) await new Promise((r) => setTimeout(r, 20));
  const took = performance.now() - started;
  line('/healthz, burst', await during.stop());
  console.log(
    `burst: ${deliveries}/${expected} deliveries, ${acks} acks in ${(took / 1000).toFixed(2)} s (${Math.round(deliveries / (took / 1000))} deliveries/s)`,
  );
  for (const c of clients) c.close();
} finally {
  await target.stop();
}
