import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { LiveConnection } from '../src/node.ts';
import { connected, duplicates, FAST, member, report, roomOf, type TestServer, wsSetups } from './helpers.ts';
import { TcpProxy } from './proxy.ts';

const ms = (x: number) => `${Math.round(x)} ms`;

// The SDK against a real server whose network or process fails under it. Each test prints what it
// measured: time to reconnect, messages queued and delivered, and duplicates (always 0).
for (const setup of wsSetups()) {
  describe(`client reconnects: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let proxy: TcpProxy;
    const lives: LiveConnection[] = [];
    const live = (c: { client: { live: (o: object) => LiveConnection } }, opts: object = {}) => {
      const l = c.client.live({ ...FAST, ...opts });
      lives.push(l);
      return l;
    };
    before(async () => {
      srv = await setup.start({ config: { MESSAGE_RATE_LIMIT: 10_000 } });
      proxy = await TcpProxy.start(srv.url);
    });
    afterEach(async () => {
      for (const l of lives.splice(0)) l.stop();
      // Also the HTTP keep-alive connections a test broke (a blackholed one would hang the next
      // request), and give fetch's pool a moment to see them closed.
      proxy.cut();
      proxy.up();
      await new Promise((r) => setTimeout(r, 50));
    });
    after(async () => {
      await proxy.close();
      await srv.stop();
    });

    /** Alice (reaching the server at aliceUrl) and Bob (directly) in a room, both connected. */
    async function pair(aliceUrl: string) {
      const alice = await member(aliceUrl);
      const bob = await member(srv.url);
      const roomId = await roomOf(alice, bob);
      const [la, lb] = [live(alice), live(bob)];
      const [ra, rb] = [await connected(la), await connected(lb)];
      return { alice, bob, roomId, la, lb, ra, rb };
    }

    it('the server restarted mid-conversation: both sides reconnect, resume, and send what they queued meanwhile, once', async (t) => {
      const { alice, roomId, la, lb, ra, rb } = await pair(srv.url);
      for (let i = 0; i < 5; i++) {
        await la.send(roomId, `alice ${i}`);
        await lb.send(roomId, `bob ${i}`);
      }
      await srv.stopApp();
      const down = await ra.reached('disconnected', 0);
      const queued = [
        ...Array.from({ length: 5 }, (_, i) => la.send(roomId, `alice offline ${i}`)),
        ...Array.from({ length: 5 }, (_, i) => lb.send(roomId, `bob offline ${i}`)),
      ];
      // From the recorded status changes, not by polling: a refused attempt is "connecting" only for a moment.
      await ra.reached('connecting', down);
      assert.equal((await la.queued()) + (await lb.queued()), 10);
      const restart = performance.now();
      await srv.startApp();
      const up = performance.now();
      const reconnected = Math.max(await ra.reached('connected', restart, 15_000), await rb.reached('connected', restart, 15_000));
      const stored = await Promise.all(queued);
      const flushed = performance.now();
      await ra.until(() => ra.messages().length === 20 && rb.messages().length === 20, 'every message on both sides');
      for (const r of [ra, rb]) {
        const ids = r.messages().map((m) => m.id);
        assert.equal(duplicates(ids), 0);
        assert.deepEqual(
          r.messages().map((m) => m.seq),
          [...r.messages().map((m) => m.seq)].sort((a, b) => a - b),
          'in seq order',
        );
      }
      const page = await alice.client.messages.list(roomId, { limit: 100 });
      assert.equal(
        page.items.filter((m) => m.type !== 'system').length,
        20,
        'nothing stored twice (the join is a system message beside them)',
      );
      const offline = stored.filter((m) => m.sender.id === alice.id).map((m) => m.content);
      assert.deepEqual(
        offline,
        [0, 1, 2, 3, 4].map((i) => `alice offline ${i}`),
      );
      assert.equal(la.stats.reconnects, 1);
      report(
        t,
        `server restart: reconnected ${ms(reconnected - up)} after the server was back (${ms(reconnected - restart)} after the restart began); queued 10, delivered ${stored.length} (flushed ${ms(flushed - reconnected)} after reconnecting); duplicates ${duplicates(ra.messages().map((m) => m.id)) + duplicates(rb.messages().map((m) => m.id))}, dropped by seq ${la.stats.duplicatesDropped + lb.stats.duplicatesDropped}`,
      );
    });

    it('the network cut mid-burst: the sender reconnects, resends what was in flight with its client_id, nothing is lost or doubled', async (t) => {
      const { alice, bob, roomId, la, lb, ra, rb } = await pair(proxy.url);
      let acked = 0;
      la.on('sent', () => acked++);
      const sends = Array.from({ length: 40 }, (_, i) => la.send(roomId, `burst ${i}`));
      await ra.until(() => acked >= 15, '15 acks');
      await lb.send(roomId, 'bob during the cut');
      const cut = performance.now();
      const ackedBefore = acked;
      proxy.cut();
      const back = await ra.reached('connected', cut);
      const stored = await Promise.all(sends);
      assert.deepEqual(
        stored.map((m) => m.content),
        Array.from({ length: 40 }, (_, i) => `burst ${i}`),
      );
      await rb.until(() => rb.messages().filter((m) => m.sender.id === alice.id).length === 40, 'bob has all 40');
      await ra.until(() => ra.messages().some((m) => m.content === 'bob during the cut'), 'alice resumed bob’s message');
      const page = await bob.client.messages.list(roomId, { limit: 100 });
      assert.equal(page.items.filter((m) => m.sender.id === alice.id).length, 40, 'each stored once');
      const dupes = duplicates(rb.messages().map((m) => m.id)) + duplicates(ra.messages().map((m) => m.id));
      assert.equal(dupes, 0);
      report(
        t,
        `network cut: reconnected ${ms(back - cut)} after the cut; 40 sent, ${40 - ackedBefore} of them queued or in flight at the cut, delivered ${stored.length}; duplicates ${dupes}, dropped by seq ${la.stats.duplicatesDropped}`,
      );
    });

    it('a send whose ack was lost is resent with the same client_id after the reconnect: the server answers with the original', async (t) => {
      const { bob, roomId, la, ra, rb } = await pair(proxy.url);
      proxy.holdReplies();
      const sending = la.send(roomId, 'stored, but the ack is lost');
      await rb.until(() => rb.messages().length === 1, 'the server stored it');
      const cut = performance.now();
      proxy.cut();
      const message = await sending;
      const back = await ra.reached('connected', cut);
      assert.equal(message.id, rb.messages()[0]!.id, 'the original message');
      const page = await bob.client.messages.list(roomId, { limit: 10 });
      assert.equal(page.items.filter((m) => m.type !== 'system').length, 1, 'stored once (besides the join, a system message)');
      report(t, `lost ack: reconnected ${ms(back - cut)} after the cut; queued 1, delivered 1, stored 1; duplicates 0`);
    });

    it('a silently dead network is noticed by the heartbeat and the connection replaced', async (t) => {
      const alice = await member(proxy.url);
      const la = live(alice, { heartbeat: { intervalMs: 300 } });
      const ra = await connected(la);
      const dead = performance.now();
      proxy.blackhole();
      const noticed = await ra.reached('disconnected', dead, 5000);
      const back = await ra.reached('connected', dead, 5000);
      assert.ok(noticed - dead < 1000, `noticed after ${ms(noticed - dead)}`);
      report(
        t,
        `silent drop: noticed ${ms(noticed - dead)} after the network died (heartbeat 300 ms), reconnected ${ms(back - dead)} after`,
      );
    });

    it('a burst queued offline is flushed in order once the network is back', async (t) => {
      const { roomId, la, ra, rb } = await pair(proxy.url);
      proxy.down();
      await ra.reached('disconnected', 0);
      const sends = Array.from({ length: 50 }, (_, i) => la.send(roomId, `offline ${i}`));
      assert.equal(await la.queued(), 50);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(rb.messages().length, 0, 'nothing left while offline');
      const restored = performance.now();
      proxy.up();
      const back = await ra.reached('connected', restored, 5000);
      const stored = await Promise.all(sends);
      const flushed = performance.now();
      assert.deepEqual(
        stored.map((m) => m.content),
        Array.from({ length: 50 }, (_, i) => `offline ${i}`),
      );
      assert.deepEqual(
        stored.map((m) => m.seq),
        [...stored.map((m) => m.seq)].sort((a, b) => a - b),
        'stored in the order queued',
      );
      await rb.until(() => rb.messages().length === 50, 'bob got all 50');
      assert.deepEqual(
        rb.messages().map((m) => m.content),
        stored.map((m) => m.content),
        'delivered in order',
      );
      assert.equal(await la.queued(), 0);
      const dupes = duplicates(rb.messages().map((m) => m.id));
      assert.equal(dupes, 0);
      report(
        t,
        `offline burst: reconnected ${ms(back - restored)} after the network came back; queued 50, delivered ${rb.messages().length} in order in ${ms(flushed - back)}; duplicates ${dupes}`,
      );
    });
  });
}
