/**
 * d. Floods over one signed-in WebSocket: typing_start/stop pairs (what reaches another member?),
 * `resume` frames naming 1,000 rooms the sender is not in, and pings. Each flood gets a fresh
 * server and connection; when the server closes it, the flood stops there and the close code is
 * the finding.
 */
import { randomUUID } from 'node:crypto';
import { ATTACKER } from '../addresses.ts';
import { QUIET_MS, withTarget, type Ctx, type Scenario } from '../context.ts';
import { sleep, Tally } from '../http.ts';
import { dur, type Row } from '../report.ts';
import type { Probe } from '../probe.ts';
import type { Target } from '../target.ts';
import { Peer } from '../ws.ts';

const TYPING_PAIRS = 37_000;
const TYPING_MS = 5000;
const RESUMES = 200;
const RESUME_ROOMS = 1000;
const PINGS = 100_000;
/** How long a flood's answers are waited for: the table then says how many came. */
const ANSWER_WAIT_MS = 30_000;

/** The HTTP status class an `error` frame's code stands for (others are 4xx). */
const FRAME_ERROR_STATUS: Record<string, number> = { rate_limited: 429, server_busy: 503, internal: 500 };

/** "200 answered in 7.2 s", or how many had come when the wait was given up. */
function answered(peer: Peer, sent: number, ms: number): string {
  const n = peer.count('ack') + peer.count('error');
  const waiting = n < sent && peer.closedAt === undefined;
  return `${n.toLocaleString('en')} answered ${waiting ? `when the wait was given up at ${dur(ms)}` : `in ${dur(ms)}`}`;
}

/** A tally of a flood's frames: answers (ack, error frames by code) of the frames that asked for one. */
function frameTally(sent: number, peer: Peer, answerable: boolean, markerAcks = 0): Tally {
  const t = new Tally();
  for (let i = 0; i < peer.count('ack') - markerAcks; i++) t.add({ status: 200 });
  for (const [code, count] of peer.errors) for (let i = 0; i < count; i++) t.add({ status: FRAME_ERROR_STATUS[code] ?? 400, error: code });
  const answered = t.sent;
  t.sent = sent;
  t.none = answerable ? Math.max(0, sent - answered) : 0;
  return t;
}

interface TypingResult {
  sent: number;
  skipped: number;
  peer: Peer;
  t0: number;
  sendMs: number;
  /** When a ping sent after the flood was answered (undefined: never). */
  pingAnsweredMs: number | undefined;
  received: number;
}

async function typingFlood(t: Target, token: string, roomId: string, watcher: Peer): Promise<TypingResult> {
  const peer = await Peer.connect(t.wsUrl, { token, localAddress: ATTACKER });
  const before = watcher.count('user_typing');
  const start = `{"type":"typing_start","data":{"room_id":"${roomId}"}}`;
  const stop = `{"type":"typing_stop","data":{"room_id":"${roomId}"}}`;
  let sent = 0;
  let skipped = 0;
  const t0 = performance.now();
  // Pairs are due evenly over TYPING_MS; each tick sends the ones due since the last.
  for (let i = 0; i < TYPING_PAIRS && peer.open;) {
    const due = Math.min(TYPING_PAIRS, Math.floor(((performance.now() - t0) / TYPING_MS) * TYPING_PAIRS) + 1);
    for (; i < due && peer.open; i++) {
      for (const frame of [start, stop]) {
        if (peer.send(frame)) sent++;
        else skipped++;
      }
    }
    await sleep(5);
  }
  // How long the flooded connection takes to answer a ping sent after the flood (frames are handled
  // concurrently: not proof that the flood is through). Then deliveries still on their way: until
  // 2 s without a new one.
  const sentAll = performance.now();
  peer.send('{"type":"ping","id":"last"}', Infinity);
  await peer.until(() => peer.count('ack') > 0, ANSWER_WAIT_MS);
  const pingAnsweredMs = peer.count('ack') > 0 ? performance.now() - t0 : undefined;
  let last = -1;
  const giveUp = performance.now() + ANSWER_WAIT_MS;
  while (watcher.count('user_typing') !== last && performance.now() < giveUp) {
    last = watcher.count('user_typing');
    await sleep(2000);
  }
  return { sent, skipped, peer, t0, sendMs: sentAll - t0, pingAnsweredMs, received: watcher.count('user_typing') - before };
}

interface Flood {
  t: Target;
  limits: string;
  probe: Probe;
  token: string;
  roomId: string;
  watcher: Peer;
}

/** A sub-attack whose connection is refused (or that breaks) still gets its row, saying so. */
async function guarded(id: string, attack: string, f: Flood, run: () => Promise<Row>): Promise<Row> {
  try {
    return await run();
  } catch (err) {
    return {
      id,
      attack,
      limits: f.limits,
      unit: 'frames',
      tally: new Tally(),
      outcome: [`the attacker's socket: ${(err as Error).message}`],
    };
  }
}

async function typingRow(f: Flood): Promise<Row> {
  const quiet = await f.probe.measure(QUIET_MS);
  const { result: typing, latency } = await f.probe.during(() => typingFlood(f.t, f.token, f.roomId, f.watcher));
  typing.peer.close();
  return {
    id: 'd1',
    attack: `WS typing_start/stop flood, ${TYPING_PAIRS.toLocaleString('en')} pairs in ${TYPING_MS / 1000} s`,
    limits: f.limits,
    unit: 'frames',
    tally: frameTally(typing.sent, typing.peer, false, typing.pingAnsweredMs === undefined ? 0 : 1),
    quiet,
    during: latency,
    outcome: [
      `another member received ${typing.received.toLocaleString('en')} user_typing frames`,
      typing.pingAnsweredMs !== undefined
        ? `sent in ${dur(typing.sendMs)}, a ping after it answered at ${dur(typing.pingAnsweredMs)}`
        : `sending stopped after ${dur(typing.sendMs)}, a ping after it never answered`,
      typing.peer.describeClose(typing.t0),
      ...(typing.skipped ? [`${typing.skipped.toLocaleString('en')} frames not sent (socket closed or backed up)`] : []),
    ],
  };
}

async function resumeRow(f: Flood): Promise<Row> {
  const quiet = await f.probe.measure(QUIET_MS);
  const frames = Array.from({ length: RESUMES }, (_, i) => {
    const rooms = Object.fromEntries(Array.from({ length: RESUME_ROOMS }, () => [randomUUID(), 0]));
    return JSON.stringify({ type: 'resume', id: `r${i}`, data: { rooms } });
  });
  const peer = await Peer.connect(f.t.wsUrl, { token: f.token, localAddress: ATTACKER });
  const t0 = performance.now();
  const { result: sent, latency } = await f.probe.during(async () => {
    let n = 0;
    for (const frame of frames) if (peer.send(frame, 64 * 1024 * 1024)) n++;
    await peer.until(() => peer.count('ack') + peer.count('error') >= n, ANSWER_WAIT_MS);
    return n;
  });
  const ms = performance.now() - t0;
  peer.close();
  return {
    id: 'd2',
    attack: `WS ${RESUMES} resume frames × ${RESUME_ROOMS.toLocaleString('en')} non-member rooms`,
    limits: f.limits,
    unit: 'frames',
    tally: frameTally(sent, peer, true),
    quiet,
    during: latency,
    outcome: [answered(peer, sent, ms), peer.describeClose(t0)],
  };
}

async function pingRow(f: Flood): Promise<Row> {
  const quiet = await f.probe.measure(QUIET_MS);
  const peer = await Peer.connect(f.t.wsUrl, { token: f.token, localAddress: ATTACKER });
  const t0 = performance.now();
  const { result: sent, latency } = await f.probe.during(async () => {
    let n = 0;
    // As fast as the socket takes them: wait while 1 MB is queued.
    while (n < PINGS && peer.open) {
      if (peer.send(`{"type":"ping","id":"${n}"}`, 1024 * 1024)) n++;
      else await sleep(1);
    }
    await peer.until(() => peer.count('ack') + peer.count('error') >= n, ANSWER_WAIT_MS);
    return n;
  });
  const ms = performance.now() - t0;
  peer.close();
  return {
    id: 'd3',
    attack: `WS ping flood, ${PINGS.toLocaleString('en')} frames`,
    limits: f.limits,
    unit: 'frames',
    tally: frameTally(sent, peer, true),
    quiet,
    during: latency,
    outcome: [answered(peer, sent, ms), peer.describeClose(t0)],
  };
}

/**
 * Each flood on a server of its own: a server still working through one flood (200,000 room
 * lookups for the resumes) would otherwise be measured as the next one's quiet baseline.
 */
async function wsFloods(ctx: Ctx): Promise<Row[]> {
  const subs: [string, string, (f: Flood) => Promise<Row>][] = [
    ['d1', 'WS typing flood', typingRow],
    ['d2', 'WS resume flood', resumeRow],
    ['d3', 'WS ping flood', pingRow],
  ];
  const rows: Row[] = [];
  for (const [id, attack, run] of subs) {
    const row = await withTarget(ctx, {}, async (t, limits) => {
      const probe = t.probe(await t.signup('probe'));
      const attacker = await t.signup('attacker');
      const member = await t.signup('member');
      const room = await t.request('POST', '/rooms', { token: attacker.token, body: { name: 'flooded', type: 'public' }, keepBody: true });
      if (room.status !== 201) throw new Error(`room: ${room.status} ${room.body}`);
      const roomId = (JSON.parse(room.body) as { id: string }).id;
      const joined = await t.request('POST', `/rooms/${roomId}/join`, { token: member.token });
      if (joined.status !== 200) throw new Error(`join: ${joined.status}`);
      // The other member, reading: its first frame releases live events at once.
      const watcher = await Peer.connect(t.wsUrl, { token: member.token, localAddress: '127.0.0.3' });
      watcher.send('{"type":"ping","id":"first"}');
      const f: Flood = { t, limits, probe, token: attacker.token, roomId, watcher };
      try {
        return await guarded(id, attack, f, () => run(f));
      } finally {
        watcher.close();
      }
    });
    rows.push(row);
    ctx.log(`${id}: ${row.tally.sent} frames (${row.tally.breakdown()}); ${row.outcome.join('; ')}`);
  }
  return rows;
}

export const wsFloodScenarios: Scenario[] = [{ id: 'd', title: 'WebSocket floods', run: wsFloods }];
