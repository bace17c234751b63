import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { globalSockets, type LiveConnection, type OutboxItem, RoomsClient } from '../src/node.ts';
import { connected, FAST, member, record, roomOf, type TestServer, wsSetups } from './helpers.ts';

// The live connection against a real server: how it authenticates, what ends it for good, and how
// its outbox copes with refusals and the rate limit.
for (const setup of wsSetups()) {
  describe(`client live connection: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    const lives: LiveConnection[] = [];
    const track = (l: LiveConnection) => (lives.push(l), l);
    before(async () => {
      srv = await setup.start({ config: { TIME_OUT: 1, MESSAGE_RATE_LIMIT: 5, MESSAGE_RATE_WINDOW: 1 } });
    });
    afterEach(() => {
      for (const l of lives.splice(0)) l.stop();
    });
    after(() => srv.stop());

    it('goes connecting → connected, knows who it is, and hears the others live', async () => {
      const alice = await member(srv.url);
      const bob = await member(srv.url);
      const roomId = await roomOf(alice, bob);
      const la = track(alice.client.live(FAST));
      const ra = await connected(la);
      assert.deepEqual(
        ra.statuses.map((s) => s.status),
        ['connecting', 'connected'],
      );
      assert.equal(la.userId, alice.id);
      await bob.client.messages.send(roomId, { content: 'live from REST' });
      await ra.until(() => ra.messages().some((m) => m.content === 'live from REST'), 'the message');
      assert.equal(la.lastSeqs()[roomId], ra.messages()[0]!.seq);
    });

    it('in a browser (the platform WebSocket, no headers) it authenticates with a one-time ticket', async () => {
      const alice = await member(srv.url);
      const bob = await member(srv.url);
      const roomId = await roomOf(alice, bob);
      const la = track(alice.client.live({ ...FAST, sockets: globalSockets, heartbeat: false }));
      const ra = await connected(la);
      const sent = await la.send(roomId, 'from the browser path');
      assert.equal(sent.sender.id, alice.id);
      await ra.until(() => ra.messages().some((m) => m.id === sent.id), 'its own message back');
    });

    it('a revoked session (log out everywhere) ends it for good: 4001, no reconnect', async () => {
      const alice = await member(srv.url);
      const la = track(alice.client.live(FAST));
      const closed: { code: number; willReconnect: boolean }[] = [];
      la.on('closed', (c) => closed.push(c));
      await connected(la);
      await new RoomsClient({ baseUrl: srv.url, token: alice.client.token }).auth.logoutAll();
      const ra = record(la);
      await ra.until(() => closed.length === 1, 'the close');
      assert.deepEqual([closed[0]!.code, closed[0]!.willReconnect], [4001, false]);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(la.status, 'disconnected');
      assert.equal(la.stats.reconnects, 0);
    });

    it('a token the server refuses at the handshake (401) ends it for good', async () => {
      const la = track(new RoomsClient({ baseUrl: srv.url, token: 'not-a-token' }).live(FAST));
      const closed = new Promise<{ httpStatus?: number; willReconnect: boolean }>((resolve) => la.on('closed', resolve));
      la.start();
      const c = await closed;
      assert.deepEqual([c.httpStatus, c.willReconnect], [401, false]);
    });

    it('a terminal session ends after TIME_OUT without input (4010, no reconnect); touch() keeps it alive', async () => {
      const alice = await member(srv.url);
      const idle = track(alice.client.live({ ...FAST, client: 'terminal' }));
      const busy = track(alice.client.live({ ...FAST, client: 'terminal' }));
      const closes: { code: number; reason: string; willReconnect: boolean }[] = [];
      idle.on('closed', (c) => closes.push(c));
      await Promise.all([connected(idle), connected(busy)]);
      const typing = setInterval(() => busy.touch(), 300);
      await new Promise((r) => setTimeout(r, 1600));
      clearInterval(typing);
      assert.equal(busy.status, 'connected');
      assert.equal(closes.length, 1);
      assert.equal(closes[0]!.code, 4010);
      assert.match(closes[0]!.reason, /TIME_OUT/);
      assert.equal(closes[0]!.willReconnect, false);
    });

    it('a refused send rejects with the server\'s code (and says so on "failed"); the queue moves on', async () => {
      const alice = await member(srv.url);
      const bob = await member(srv.url);
      const roomId = await roomOf(alice, bob);
      const other = await roomOf(bob);
      const la = track(alice.client.live(FAST));
      await connected(la);
      const failed: OutboxItem[] = [];
      la.on('failed', (item) => failed.push(item));
      const refused = la.send(other, 'not my room');
      const fine = la.send(roomId, 'my room');
      await assert.rejects(refused, { name: 'RoomsApiError', code: 'room_not_found', status: 404 });
      assert.equal((await fine).content, 'my room');
      assert.deepEqual(
        failed.map((i) => i.content),
        ['not my room'],
      );
    });

    it('a burst over the rate limit waits for retry_after and still arrives in order', async () => {
      const alice = await member(srv.url);
      const roomId = await roomOf(alice);
      const la = track(alice.client.live(FAST));
      await connected(la);
      const started = Date.now();
      const stored = await Promise.all(Array.from({ length: 12 }, (_, i) => la.send(roomId, `fast ${i}`)));
      assert.deepEqual(
        stored.map((m) => m.content),
        Array.from({ length: 12 }, (_, i) => `fast ${i}`),
      );
      assert.ok(Date.now() - started >= 1000, 'the limit (5 per second) was honoured');
      const page = await alice.client.messages.list(roomId, { limit: 20 });
      assert.equal(page.items.length, 12);
    });
  });
}
