/**
 * The open-loop load generator. Message i of a step is due at start + i / rate whatever happened
 * to the ones before; it carries that intended time, and every latency is measured from it to the
 * receipt, so a stalled sender or server counts against the figures (no coordinated omission).
 * Every member's receipts go into a bitmap per step: duplicates and missing deliveries are exact.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpuMs, rssBytes } from './proc.ts';
import { newHistogram, recordMs, summarize, type Histogram, type Latency } from './hist.ts';
import type { Client, ClientEvents, Grid, Target } from '../targets/types.ts';

export interface StepOptions {
  /** Messages per second over all rooms. */
  rate: number;
  seconds: number;
  /** Members of each room that send (round robin). */
  sendersPerRoom: number;
  /** How long to wait after the last send for acks and deliveries. */
  drainMs: number;
  /** Draining also ends after this long without an ack or a delivery (default 1000 ms)... */
  quietMs?: number;
  /** ...once this holds (S4: every client is back). */
  settled?: () => boolean;
  /** Called while the step runs (S4 crashes the server from here). */
  during?: (elapsedMs: number) => void;
}

export interface StepResult {
  rate: number;
  offeredDeliveriesPerSec: number;
  seconds: number;
  sent: number;
  /** Due while the sender was disconnected: not sent. */
  skipped: number;
  acked: number;
  refused: number;
  expected: number;
  delivered: number;
  duplicates: number;
  missing: number;
  /** Deliveries of an earlier step that arrived late. */
  stale: number;
  closed: number;
  deliveredPerSec: number;
  deliveryRatio: number;
  latency: Latency;
  /** The raw delivery latencies (left out of the JSON results). */
  latencyHistogram: Histogram;
  ack: Latency;
  serverCpuMs: number | undefined;
  serverCpuPct: number | undefined;
  cpuMsPer1k: number | undefined;
  rssMb: number | undefined;
  loopP99Ms: number | undefined;
  loopMaxMs: number | undefined;
  clientCpuPct: number;
  /**
   * The generator's own event-loop delay during the step (p99 and max, ms). Its stalls count
   * against every target's latency: a major GC of this process once made Rooms' p99 read 30 ms
   * where the server's was 6 (see bench/README.md, "The generator's heap").
   */
  clientLoopP99Ms: number;
  clientLoopMaxMs: number;
  passed: boolean;
}

/** A step passes while p99 ≤ 100 ms, ≥ 99.9 % of expected deliveries arrive and ≥ 99.9 % of sends are acked. */
export const P99_LIMIT_MS = 100;
export const DELIVERY_LIMIT = 0.999;

// A message's status: 0 not sent (yet, or its sender was offline), then one of these.
const SENT = 1;
const ACKED = 2;
const REFUSED = 3;
const TAG_SPAN = 10_000_000;
const FILLER = ' the quick brown fox jumps over the lazy dog while the bench keeps counting every single message';

interface Step {
  tag: number;
  total: number;
  perRoom: number;
  bytesPerClient: number;
  start: number;
  intervalMs: number;
  status: Uint8Array;
  seen: Uint8Array;
  lat: Histogram;
  ackLat: Histogram;
  sent: number;
  acked: number;
  refused: number;
  delivered: number;
  duplicates: number;
  stale: number;
  closed: number;
  lastReceipt: number;
  lastAck: number;
}

// The marker a message carries in its content: ~tag.room.j.intendedMicroseconds~
const TILDE = 0x7e;
let mTag = 0;
let mRoom = 0;
let mJ = 0;
let mIntended = 0;

function parseMarker(buf: Buffer): boolean {
  let i = buf.indexOf(TILDE) + 1;
  if (i === 0) return false;
  const nums = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    let n = 0;
    for (let c = buf[i]; c !== undefined && c >= 48 && c <= 57; c = buf[++i]) n = n * 10 + (c - 48);
    nums[k] = n;
    i++;
  }
  [mTag, mRoom, mJ, mIntended] = nums as [number, number, number, number];
  return true;
}

/** Drives the clients of one grid on one target, step after step. */
export class LoadGen implements ClientEvents {
  clients: Client[] = [];
  /** Called when a client's socket closes (S4 reconnects it). */
  onClosed: ((c: Client, code: number) => void) | undefined;
  closeCodes = new Map<number, number>();
  private readonly grid: Grid;
  private step: Step | undefined;
  private nextTag = 1;
  private padding: string;

  constructor(grid: Grid, contentLength = 100) {
    this.grid = grid;
    this.padding = FILLER.repeat(Math.ceil(contentLength / FILLER.length)).slice(0, Math.max(0, contentLength - 40));
  }

  delivery(client: Client, frame: Buffer): void {
    const s = this.step;
    if (!s || !parseMarker(frame)) return;
    if (mTag !== s.tag || mRoom !== client.room || mJ >= s.perRoom) {
      s.stale++;
      return;
    }
    const now = performance.now();
    const at = (client.room * this.grid.members + client.member) * s.bytesPerClient + (mJ >> 3);
    const bit = 1 << (mJ & 7);
    if (s.seen[at]! & bit) {
      s.duplicates++;
      return;
    }
    s.seen[at]! |= bit;
    s.delivered++;
    s.lastReceipt = now;
    recordMs(s.lat, now - mIntended / 1000);
  }

  ack(_client: Client, reqId: number): void {
    const s = this.step;
    if (!s || Math.floor(reqId / TAG_SPAN) !== s.tag) return;
    const i = reqId % TAG_SPAN;
    if (s.status[i] !== SENT) return;
    s.status[i] = ACKED;
    s.acked++;
    s.lastAck = performance.now();
    recordMs(s.ackLat, s.lastAck - (s.start + i * s.intervalMs));
  }

  refused(_client: Client, reqId: number): void {
    const s = this.step;
    if (!s || Math.floor(reqId / TAG_SPAN) !== s.tag) return;
    const i = reqId % TAG_SPAN;
    if (s.status[i] !== SENT) return;
    s.status[i] = REFUSED;
    s.refused++;
  }

  closed(client: Client, code: number): void {
    if (this.step) this.step.closed++;
    this.closeCodes.set(code, (this.closeCodes.get(code) ?? 0) + 1);
    this.onClosed?.(client, code);
  }

  /** Runs one open-loop step against target and measures it. */
  async run(target: Target, o: StepOptions): Promise<StepResult> {
    const { rooms, members } = this.grid;
    const total = Math.max(1, Math.round(o.rate * o.seconds));
    const perRoom = Math.ceil(total / rooms);
    const bytesPerClient = Math.ceil(perRoom / 8);
    const senders = Math.min(o.sendersPerRoom, members);
    await target.loopDelay(); // resets the server's event-loop histogram
    const cpu0 = cpuMs(target.pid);
    const client0 = process.cpuUsage();
    const wall0 = performance.now();
    const clientLoop = monitorEventLoopDelay({ resolution: 2 });
    clientLoop.enable();
    const s: Step = {
      tag: this.nextTag++,
      total,
      perRoom,
      bytesPerClient,
      start: performance.now() + 20,
      intervalMs: 1000 / o.rate,
      status: new Uint8Array(total),
      seen: new Uint8Array(this.clients.length * bytesPerClient),
      lat: newHistogram(),
      ackLat: newHistogram(),
      sent: 0,
      acked: 0,
      refused: 0,
      delivered: 0,
      duplicates: 0,
      stale: 0,
      closed: 0,
      lastReceipt: 0,
      lastAck: 0,
    };
    this.step = s;
    let skipped = 0;
    let i = 0;
    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now();
        o.during?.(now - s.start);
        const due = Math.min(total, Math.floor((now - s.start) / s.intervalMs) + 1);
        for (; i < due; i++) {
          const r = i % rooms;
          const j = (i - r) / rooms;
          const client = this.clients[r * members + (j % senders)]!;
          if (!client.open) {
            skipped++;
            continue;
          }
          const intendedUs = Math.round((s.start + i * s.intervalMs) * 1000);
          s.status[i] = SENT;
          s.sent++;
          client.send(s.tag * TAG_SPAN + i, `~${s.tag}.${r}.${j}.${intendedUs}~${this.padding}`);
        }
        if (i >= total) return done();
        setTimeout(tick, Math.max(0, s.start + i * s.intervalMs - performance.now()));
      };
      setTimeout(tick, Math.max(0, s.start - performance.now()));
    });
    const sentAll = performance.now();
    const drainUntil = sentAll + o.drainMs;
    const quiet = () => performance.now() - Math.max(sentAll, s.lastReceipt, s.lastAck) >= (o.quietMs ?? 1000) && (o.settled?.() ?? true);
    while (performance.now() < drainUntil && (s.acked + s.refused < s.sent || s.delivered < s.acked * members) && !quiet()) {
      o.during?.(performance.now() - s.start);
      await new Promise((r) => setTimeout(r, 5));
    }
    const wall = performance.now() - wall0;
    const cpu1 = cpuMs(target.pid);
    const loop = await target.loopDelay();
    const clientCpu = process.cpuUsage(client0);
    clientLoop.disable();
    this.step = undefined;

    let expected = 0;
    let missing = 0;
    for (let k = 0; k < total; k++) {
      if (s.status[k] !== ACKED) continue;
      const r = k % rooms;
      const j = (k - r) / rooms;
      expected += members;
      for (let m = 0; m < members; m++) if (!(s.seen[(r * members + m) * bytesPerClient + (j >> 3)]! & (1 << (j & 7)))) missing++;
    }
    const latency = summarize(s.lat);
    const serverCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
    const deliveryRatio = expected === 0 ? 0 : (expected - missing) / expected;
    const elapsed = Math.max(1, s.lastReceipt - s.start) / 1000;
    return {
      rate: o.rate,
      offeredDeliveriesPerSec: o.rate * members,
      seconds: o.seconds,
      sent: s.sent,
      skipped,
      acked: s.acked,
      refused: s.refused,
      expected,
      delivered: s.delivered,
      duplicates: s.duplicates,
      missing,
      stale: s.stale,
      closed: s.closed,
      deliveredPerSec: s.delivered / elapsed,
      deliveryRatio,
      latency,
      latencyHistogram: s.lat,
      ack: summarize(s.ackLat),
      serverCpuMs,
      serverCpuPct: serverCpuMs === undefined ? undefined : (100 * serverCpuMs) / wall,
      cpuMsPer1k: serverCpuMs === undefined || s.delivered === 0 ? undefined : (1000 * serverCpuMs) / s.delivered,
      rssMb: (rssBytes(target.pid) ?? NaN) / 2 ** 20 || undefined,
      loopP99Ms: loop?.p99,
      loopMaxMs: loop?.max,
      clientCpuPct: (100 * (clientCpu.user + clientCpu.system)) / 1000 / wall,
      clientLoopP99Ms: clientLoop.percentile(99) / 1e6,
      clientLoopMaxMs: clientLoop.max / 1e6,
      passed: latency.p99 <= P99_LIMIT_MS && deliveryRatio >= DELIVERY_LIMIT && s.acked >= DELIVERY_LIMIT * s.sent && s.sent > 0,
    };
  }
}
