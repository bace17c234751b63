import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Http } from '../http.ts';
import { backoffDelay } from './backoff.ts';
import { LiveConnection } from './connection.ts';
import type { ServerEvent } from './events.ts';
import type { SocketFactory, SocketHandlers } from './socket.ts';

/** Sockets the test drives by hand: what the client sent, and a way to play the server. */
function fakeSockets() {
  const opened: { url: string; headers: Record<string, string>; on: SocketHandlers; sent: unknown[]; closed?: number }[] = [];
  const factory: SocketFactory = {
    headers: true,
    open(url, headers, on) {
      const s = { url, headers, on, sent: [] as unknown[], closed: undefined as number | undefined };
      opened.push(s);
      queueMicrotask(() => on.open());
      return { send: (t) => void s.sent.push(JSON.parse(t)), close: (c) => void (s.closed = c), terminate: () => void (s.closed = 1006) };
    },
  };
  const frame = (i: number, f: object) => opened[i]!.on.message(JSON.stringify(f));
  return { factory, opened, frame };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const http = () => new Http({ baseUrl: 'http://chat.test:8080', token: 'tok' });
const msg = (room: string, seq: number) => ({ type: 'message_created', room_id: room, seq, data: { message: { id: `m${seq}`, seq } } });

describe('live connection (fake sockets)', () => {
  it('authenticates with a header, says it is a terminal, and sends resume as its first frame after ready', async () => {
    const { factory, opened, frame } = fakeSockets();
    const live = new LiveConnection(http(), { sockets: factory, client: 'terminal', lastSeqs: { r1: 4 }, heartbeat: false });
    const statuses: string[] = [];
    live.on('status', (s) => statuses.push(s));
    live.start();
    await tick();
    assert.equal(opened[0]!.url, 'ws://chat.test:8080/ws?client=terminal');
    assert.equal(opened[0]!.headers.authorization, 'Bearer tok');
    assert.deepEqual(opened[0]!.sent, [], 'nothing before ready');
    frame(0, {
      type: 'ready',
      data: {
        user_id: 'u',
        rooms: [
          { room_id: 'r1', last_seq: 9 },
          { room_id: 'r2', last_seq: 3 },
        ],
      },
    });
    assert.deepEqual(
      opened[0]!.sent,
      [{ type: 'resume', id: '1', data: { rooms: { r1: 4, r2: 3 } } }],
      'known rooms from their last seq, new rooms from now',
    );
    assert.deepEqual(statuses, ['connecting']);
    frame(0, { type: 'ack', id: '1', data: { rooms: { r1: 9, r2: 3 }, not_member: [] } });
    await tick();
    assert.deepEqual(statuses, ['connecting', 'connected']);
    live.stop();
    assert.equal(opened[0]!.closed, 1000);
    assert.equal(live.status, 'disconnected');
  });

  it('delivers each room event once: anything at or below the last seq seen is dropped', async () => {
    const { factory, frame } = fakeSockets();
    const live = new LiveConnection(http(), { sockets: factory, heartbeat: false });
    const seen: ServerEvent[] = [];
    live.on('event', (e) => seen.push(e));
    live.start();
    await tick();
    frame(0, { type: 'ready', data: { user_id: 'u', rooms: [{ room_id: 'r', last_seq: 0 }] } });
    frame(0, { type: 'ack', id: '1', data: {} });
    for (const seq of [1, 2, 2, 1, 3]) frame(0, msg('r', seq));
    frame(0, { type: 'user_typing', room_id: 'r', data: {} });
    assert.deepEqual(
      seen.filter((e) => e.type === 'message_created').map((e) => e.seq),
      [1, 2, 3],
    );
    assert.equal(seen.filter((e) => e.type === 'user_typing').length, 1, 'events without a seq always pass');
    assert.equal(live.stats.duplicatesDropped, 2);
    assert.deepEqual(live.lastSeqs(), { r: 3 });
    live.stop();
  });

  it('reconnects after a drop and resumes from the last seq seen; a final close code ends it', async () => {
    const { factory, opened, frame } = fakeSockets();
    const live = new LiveConnection(http(), { sockets: factory, heartbeat: false, backoff: { baseMs: 1, maxMs: 1 } });
    const closed: { code: number; willReconnect: boolean; retryInMs?: number }[] = [];
    live.on('closed', (c) => closed.push(c));
    live.start();
    await tick();
    frame(0, { type: 'ready', data: { user_id: 'u', rooms: [{ room_id: 'r', last_seq: 5 }] } });
    frame(0, { type: 'ack', id: '1', data: {} });
    await tick();
    frame(0, msg('r', 6));
    opened[0]!.on.close(1001, 'server shutting down');
    const { retryInMs, ...info } = closed[0] as { retryInMs?: number };
    assert.deepEqual(info, { code: 1001, reason: 'server shutting down', willReconnect: true });
    assert.ok(retryInMs !== undefined && retryInMs >= 0 && retryInMs <= 1, `the next try is announced (${retryInMs} ms)`);
    await tick();
    assert.equal(opened.length, 2);
    frame(1, { type: 'ready', data: { user_id: 'u', rooms: [{ room_id: 'r', last_seq: 8 }] } });
    assert.deepEqual((opened[1]!.sent[0] as { data: unknown }).data, { rooms: { r: 6 } });
    frame(1, { type: 'ack', id: '2', data: {} });
    await tick();
    assert.equal(live.stats.reconnects, 1);
    opened[1]!.on.close(4010, 'idle for 30 min without input (TIME_OUT)');
    await tick();
    assert.equal(closed.at(-1)!.willReconnect, false);
    assert.equal(opened.length, 2, 'no retry after an idle timeout');
    assert.equal(live.status, 'disconnected');
  });

  it('queued sends wait for the connection and go out in order with their client_id; refusals reject with the code', async () => {
    const { factory, opened, frame } = fakeSockets();
    const live = new LiveConnection(http(), { sockets: factory, heartbeat: false });
    const first = live.send('r', 'one', { clientId: 'c1' });
    const second = live.send('r', 'two', { clientId: 'c2' });
    live.start();
    await tick();
    frame(0, { type: 'ready', data: { user_id: 'u', rooms: [] } });
    frame(0, { type: 'ack', id: '1', data: {} });
    await tick();
    assert.deepEqual(opened[0]!.sent[1], { type: 'send_message', id: '2', data: { room_id: 'r', content: 'one', client_id: 'c1' } });
    assert.equal(opened[0]!.sent.length, 2, 'one at a time');
    frame(0, { type: 'ack', id: '2', data: { message: { id: 'm1', content: 'one' }, created: true } });
    assert.equal((await first).id, 'm1');
    await tick();
    frame(0, { type: 'error', id: '3', error: { code: 'not_a_member', message: 'Join the room first.' } });
    await assert.rejects(second, { name: 'RoomsApiError', code: 'not_a_member', status: 403 });
    assert.equal(await live.queued(), 0);
    live.stop();
  });

  it('paces its frames to the frame budget ready announced, in order, and touch() sends nothing while frames flow', async () => {
    const { factory, opened, frame } = fakeSockets();
    const live = new LiveConnection(http(), { sockets: factory, heartbeat: false });
    live.start();
    await tick();
    // 90 % of it is used: a burst of 9 at 18 frames/s; the resume of 1 room costs 2 of them.
    frame(0, { type: 'ready', data: { user_id: 'u', rooms: [{ room_id: 'r', last_seq: 0 }], frame_budget: { rate: 20, burst: 10 } } });
    frame(0, { type: 'ack', id: '1', data: {} });
    await tick();
    const started = Date.now();
    for (let i = 0; i < 10; i++) void live.request('typing_start', { room_id: 'r' }).catch(() => {});
    const sent = () => opened[0]!.sent.length - 1;
    assert.equal(sent(), 7, 'what the burst holds goes at once');
    live.touch();
    assert.equal(sent(), 7, 'no ping while frames flow');
    while (sent() < 10) await tick();
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 130 && elapsed < 600, `the 3 others waited for the refill (~167 ms), took ${elapsed} ms`);
    assert.deepEqual(
      opened[0]!.sent.slice(1).map((f) => (f as { id: string }).id),
      ['2', '3', '4', '5', '6', '7', '8', '9', '10', '11'],
      'in order',
    );
    live.stop();
  });
});

describe('backoff', () => {
  it('is full jitter: uniform below a ceiling that doubles per attempt up to the cap', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    assert.equal(backoffDelay(0, { ...opts, random: () => 0.999 }), 99);
    assert.equal(backoffDelay(3, { ...opts, random: () => 0.5 }), 400);
    assert.equal(backoffDelay(10, { ...opts, random: () => 0.999 }), 999, 'capped');
    assert.equal(backoffDelay(2, { ...opts, random: () => 0 }), 0);
    for (let a = 0; a < 50; a++) assert.ok(backoffDelay(a, opts) < 1000);
  });
});
