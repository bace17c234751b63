import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { describeWs, signup, sleep, TestSocket } from '../helpers/ws-suite.ts';

/** The defaults (RELAXED_LIMITS raises them for the other suites). */
const BUDGET = { WS_FRAME_RATE: 20, WS_FRAME_BURST: 100 };

const ping = (id: string) => JSON.stringify({ type: 'ping', id, data: {} });
const answers = (s: TestSocket) => s.frames.filter((f) => f.type === 'ack' || f.type === 'error').length;

describeWs('WebSocket frame budget', { config: BUDGET }, (t) => {
  it('ready tells the client its budget', async () => {
    const u = await signup(t.srv.url);
    const s = t.pool.track(await TestSocket.open(t.srv.url, { token: u.token }));
    assert.deepEqual(s.frames[0]!.data.frame_budget, { rate: 20, burst: 100 });
  });

  it('a flood of frames, valid or not, is closed with 1008 and a reason after the burst; others are not disturbed', async () => {
    const [u, other] = [await signup(t.srv.url), await signup(t.srv.url)];
    const bystander = await t.pool.connect(t.srv, other);
    const s = t.pool.track(await TestSocket.open(t.srv.url, { token: u.token }));
    for (let i = 0; i < 5000; i++) s.sendRaw(i % 2 ? ping(`p${i}`) : '{not json');
    const closed = await s.closed(5000);
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /frame budget spent \(WS_FRAME_RATE 20\/s, WS_FRAME_BURST 100\)/);
    // Each frame is charged as it arrives; those of the burst still waiting for the socket's setup
    // when the flood overdrew it are dropped with the connection.
    assert.ok(answers(s) <= 100, `no more than the burst was answered: ${answers(s)}`);
    assert.ok((await bystander.request('ping')).pong, 'another connection still answers');
    assert.equal((await other.api.get('/auth/me')).status, 200);
  });

  it('a client within its budget is never closed: a burst of 95, then 19 frames a second', async () => {
    const u = await signup(t.srv.url);
    const s = t.pool.track(await TestSocket.open(t.srv.url, { token: u.token }));
    for (let i = 0; i < 95; i++) s.sendRaw(ping(`b${i}`));
    await s.next((f) => f.id === 'b94');
    for (let i = 0; i < 30; i++) {
      await sleep(1000 / 19);
      s.sendRaw(ping(`r${i}`));
    }
    await s.next((f) => f.id === 'r29');
    assert.equal(answers(s), 125);
    assert.ok(s.frames.every((f) => f.type !== 'error'));
    assert.equal(s.closeCode, undefined);
  });

  it('a resume weighs by the rooms it names: one of 1,000 rooms is answered, a second right behind it overdraws', async () => {
    const u = await signup(t.srv.url);
    const s = t.pool.track(await TestSocket.open(t.srv.url, { token: u.token }));
    const rooms = () => Object.fromEntries(Array.from({ length: 1000 }, () => [randomUUID(), 0]));
    const first = s.request('resume', { rooms: rooms() });
    s.sendRaw(JSON.stringify({ type: 'resume', id: 'again', data: { rooms: rooms() } }));
    const closed = await s.closed(10_000);
    assert.equal(closed.code, 1008);
    await assert.rejects(first, 'the connection closed before the first one was answered');
    assert.ok(!s.frames.some((f) => f.id === 'again'), 'the second resume was not run');
  });

  it("a resume of 1,000 rooms fits in a fresh connection's budget, with room to spare", async () => {
    const u = await signup(t.srv.url);
    const s = t.pool.track(await TestSocket.open(t.srv.url, { token: u.token }));
    s.sendRaw(
      JSON.stringify({
        type: 'resume',
        id: 'r',
        data: { rooms: Object.fromEntries(Array.from({ length: 1000 }, () => [randomUUID(), 0])) },
      }),
    );
    for (let i = 0; i < 45; i++) s.sendRaw(ping(`p${i}`));
    const ack = await s.next((f) => f.id === 'r', 10_000);
    assert.equal(ack.data.not_member.length, 1000);
    await s.next((f) => f.id === 'p44');
    assert.equal(s.closeCode, undefined);
  });

  it('a resume may name at most 1,000 rooms', async () => {
    const u = await signup(t.srv.url);
    const s = t.pool.track(await TestSocket.open(t.srv.url, { token: u.token }));
    const rooms = Object.fromEntries(Array.from({ length: 1001 }, () => [randomUUID(), 0]));
    await assert.rejects(s.request('resume', { rooms }), { code: 'validation_failed' });
  });
});
