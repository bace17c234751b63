import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../domain/errors.ts';
import { BoundedQueue } from './bounded-queue.ts';

const busy = (retryAfterSeconds: number) => new DomainError('server_busy', 'busy', { retryAfterSeconds });

/** A task that runs until released, recording when it started. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { task: async () => void (log.push(name), await done), open };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('BoundedQueue', () => {
  it('runs at most `concurrency` tasks at once, the others in arrival order', async () => {
    const q = new BoundedQueue({ concurrency: 2, maxWaiting: 10, busy });
    const log: string[] = [];
    const gates = ['a', 'b', 'c', 'd'].map((n) => gate(log, n));
    const runs = gates.map((g) => q.run(g.task));
    await tick();
    assert.deepEqual(log, ['a', 'b']);
    assert.deepEqual(q.depth, { running: 2, waiting: 2 });
    gates[1]!.open();
    await tick();
    assert.deepEqual(log, ['a', 'b', 'c']);
    gates[0]!.open();
    await tick();
    assert.deepEqual(log, ['a', 'b', 'c', 'd']);
    gates[2]!.open();
    gates[3]!.open();
    await Promise.all(runs);
    assert.deepEqual(q.depth, { running: 0, waiting: 0 });
  });

  it('refuses a task at once when the line is full, with a Retry-After from how fast the line moves', async () => {
    const q = new BoundedQueue({ concurrency: 1, maxWaiting: 2, busy });
    // One finished task of ~1.5 s teaches the line its pace.
    let now = 0;
    const realNow = performance.now.bind(performance);
    performance.now = () => now;
    try {
      await q.run(async () => void (now += 1500));
    } finally {
      performance.now = realNow;
    }
    const log: string[] = [];
    const gates = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const runs = gates.map((g) => q.run(g.task));
    await assert.rejects(
      q.run(async () => 'never'),
      (err: unknown) => {
        assert.ok(err instanceof DomainError && err.code === 'server_busy');
        // Three in line at 1.5 s each, one at a time: 4.5 s → 5.
        assert.equal(err.retryAfterSeconds, 5);
        return true;
      },
    );
    for (const g of gates) g.open();
    await Promise.all(runs);
    assert.equal(await q.run(async () => 'ran'), 'ran', 'the line takes work again once it moved');
  });

  it('a failing task frees its slot', async () => {
    const q = new BoundedQueue({ concurrency: 1, maxWaiting: 0, busy });
    await assert.rejects(
      q.run(async () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await q.run(async () => 1), 1);
  });

  it('pass() waits its turn like a task and is refused like one, but holds no slot', async () => {
    const q = new BoundedQueue({ concurrency: 1, maxWaiting: 1, busy });
    const log: string[] = [];
    const a = gate(log, 'a');
    const running = q.run(a.task);
    let passed = false;
    const waiting = q.pass().then(() => (passed = true));
    await assert.rejects(q.pass(), (e: unknown) => e instanceof DomainError && e.code === 'server_busy');
    await tick();
    assert.equal(passed, false, 'waits behind the running task');
    a.open();
    await running;
    await waiting;
    assert.deepEqual(q.depth, { running: 0, waiting: 0 }, 'nothing held after the turn');
  });

  it('turns go round the clients waiting, and one client may hold only a quarter of the line', async () => {
    const q = new BoundedQueue({ concurrency: 1, maxWaiting: 8, busy });
    const log: string[] = [];
    const first = gate(log, 'running');
    const running = q.run(first.task);
    const flood = ['f1', 'f2'].map((n) => gate(log, n));
    const floods = flood.map((g) => q.run(g.task, { client: 'flooder' }));
    await assert.rejects(
      q.run(async () => 'never', { client: 'flooder' }),
      (e: unknown) => e instanceof DomainError && e.code === 'server_busy',
      'a third waiter of one client is refused',
    );
    const other = gate(log, 'other');
    const others = q.run(other.task, { client: 'someone' });
    first.open();
    await tick();
    flood[0]!.open();
    await tick();
    assert.deepEqual(log, ['running', 'f1', 'other'], "the other client goes before the flooder's second");
    other.open();
    await tick();
    flood[1]!.open();
    await Promise.all([running, ...floods, others]);
    assert.deepEqual(log, ['running', 'f1', 'other', 'f2']);
  });
});
