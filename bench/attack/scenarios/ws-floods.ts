/**
 * d. Floods over one signed-in WebSocket: typing_start/stop pairs (what reaches another member?),
 * `resume` frames naming 1,000 rooms the sender is not in, and pings. Each flood gets a fresh
 * connection; when the server closes it, the flood stops there and the close code is the finding.
 */
import { randomUUID } from 'node:crypto';
import { ATTACKER } from '../addresses.ts';
import { QUIET_MS, withTarget, type Ctx, type Scenario } from '../context.ts';
import { sleep, Tally } from '../http.ts';
import { dur, type Row } from '../report.ts';
import type { Target } from '../target.ts';
import { Peer } from '../ws.ts';

const TYPING_PAIRS = 37_000;
const TYPING_MS = 5000;
const RESUMES = 200;
const RESUME_ROOMS = 1000;
const PINGS = 100_000;

/** The HTTP status class an `error` frame's code stands for (others are 4xx). */
const FRAME_ERROR_STATUS: Record<string, number> = { rate_limited: 429, server_busy: 503, internal: 500 };

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
  processedMs: number | undefined;
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
  for (let i = 0; i < TYPING_PAIRS && peer.open; ) {
    const due = Math.min(TYPING_PAIRS, Math.floor(((performance.now() - t0) / TYPING_MS) * TYPING_PAIRS) + 1);
    for (; i < due && peer.open; i++) {
      if (peer.send(start) && peer.send(stop)) sent += 2;
      else skipped += 2;
    }
    await sleep(5);
  }
  // How long the flooded connection takes to answer a ping sent after the flood (frames are handled
  // concurrently: not proof that the flood is through). Then deliveries still on their way: until
  // 2 s without a new one.
  const sentAll = performance.now();
  peer.send('{"type":"ping","id":"last"}', Infinity);
  await peer.until(() => peer.count('ack') > 0, 120_000);
  const processedMs = peer.count('ack') > 0 ? performance.now() - t0 : undefined;
  let last = -1;
  while (watcher.count('user_typing') !== last) {
    last = watcher.count('user_typing');
    await sleep(2000);
  }
  return { sent, skipped, peer, t0, sendMs: sentAll - t0, processedMs, received: watcher.count('user_typing') - before };
}

async function wsFloods(ctx: Ctx): Promise<Row[]> {
  return withTarget(ctx, {}, async (t, limits) => {
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
    const rows: Row[] = [];

    const quiet1 = await probe.measure(QUIET_MS);
    const { result: typing, latency: typingLatency } = await probe.during(() => typingFlood(t, attacker.token, roomId, watcher));
    typing.peer.close();
    rows.push({
      id: 'd1',
      attack: `WS typing_start/stop flood, ${TYPING_PAIRS.toLocaleString('en')} pairs in ${TYPING_MS / 1000} s`,
      limits,
      unit: 'frames',
      tally: frameTally(typing.sent, typing.peer, false, typing.processedMs === undefined ? 0 : 1),
      quiet: quiet1,
      during: typingLatency,
      outcome: [
        `another member received ${typing.received.toLocaleString('en')} user_typing frames`,
        `sent in ${dur(typing.sendMs)}, a ping after it ${typing.processedMs === undefined ? 'never answered' : `answered at ${dur(typing.processedMs)}`}`,
        typing.peer.describeClose(typing.t0), ...(typing.skipped ? [`${typing.skipped.toLocaleString('en')} frames not sent (socket closed or backed up)`] : [])],
    });
    ctx.log(`d1: ${typing.sent} frames, ${typing.received} user_typing received, ${typing.peer.describeClose(typing.t0)}`);

    await sleep(1000);
    const quiet2 = await probe.measure(QUIET_MS);
    const resumer = await Peer.connect(t.wsUrl, { token: attacker.token, localAddress: ATTACKER });
    const frames = Array.from({ length: RESUMES }, (_, i) => {
      const rooms = Object.fromEntries(Array.from({ length: RESUME_ROOMS }, () => [randomUUID(), 0]));
      return JSON.stringify({ type: 'resume', id: `r${i}`, data: { rooms } });
    });
    const r0 = performance.now();
    const { result: resumeSent, latency: resumeLatency } = await probe.during(async () => {
      let sent = 0;
      for (const f of frames) if (resumer.send(f, 64 * 1024 * 1024)) sent++;
      await resumer.until(() => resumer.count('ack') + resumer.count('error') >= sent, 60_000);
      return sent;
    });
    const resumeMs = performance.now() - r0;
    rows.push({
      id: 'd2',
      attack: `WS ${RESUMES} resume frames × ${RESUME_ROOMS.toLocaleString('en')} non-member rooms`,
      limits,
      unit: 'frames',
      tally: frameTally(resumeSent, resumer, true),
      quiet: quiet2,
      during: resumeLatency,
      outcome: [`answered in ${dur(resumeMs)}`, resumer.describeClose(r0)],
    });
    ctx.log(`d2: ${resumer.count('ack')} acks, ${resumer.count('error')} errors in ${resumeMs.toFixed(0)} ms, ${resumer.describeClose(r0)}`);
    resumer.close();

    await sleep(1000);
    const quiet3 = await probe.measure(QUIET_MS);
    const pinger = await Peer.connect(t.wsUrl, { token: attacker.token, localAddress: ATTACKER });
    const p0 = performance.now();
    const { result: pingsSent, latency: pingLatency } = await probe.during(async () => {
      let sent = 0;
      // As fast as the socket takes them: wait while 1 MB is queued.
      while (sent < PINGS && pinger.open) {
        if (pinger.send(`{"type":"ping","id":"${sent}"}`, 1024 * 1024)) sent++;
        else await sleep(1);
      }
      await pinger.until(() => pinger.count('ack') + pinger.count('error') >= sent, 60_000);
      return sent;
    });
    const pingMs = performance.now() - p0;
    rows.push({
      id: 'd3',
      attack: `WS ping flood, ${PINGS.toLocaleString('en')} frames`,
      limits,
      unit: 'frames',
      tally: frameTally(pingsSent, pinger, true),
      quiet: quiet3,
      during: pingLatency,
      outcome: [`${pinger.count('ack').toLocaleString('en')} answered in ${dur(pingMs)}`, pinger.describeClose(p0)],
    });
    ctx.log(`d3: ${pingsSent} pings, ${pinger.count('ack')} acks in ${pingMs.toFixed(0)} ms, ${pinger.describeClose(p0)}`);
    pinger.close();
    watcher.close();
    return rows;
  });
}

export const wsFloodScenarios: Scenario[] = [{ id: 'd', title: 'WebSocket floods', run: wsFloods }];
