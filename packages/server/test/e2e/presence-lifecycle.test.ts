import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/ports/clock.ts';
import { signup, startServer, type TestServer } from '../helpers/server.ts';
import type { User } from '../helpers/assertions.ts';
import { backends } from '../helpers/services.ts';
import { TestSocket } from '../helpers/ws.ts';

/** SPEC §6 and §12, as time passes: away after AWAY_AFTER idle, last_seen when the last connection ends, notifications expiring. */
for (const backend of backends()) {
  describe(`presence over time: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    let alice: User;
    let bob: User;
    before(async () => {
      // Two seconds stand for the default five minutes; the server sweeps four times per AWAY_AFTER.
      server = await startServer(backend, { config: { AWAY_AFTER: 2 } });
      alice = await signup(server.url);
      bob = await signup(server.url);
      const room = (await alice.api.post('/rooms', { name: 'around', type: 'public' })).body;
      assert.equal((await bob.api.post(`/rooms/${room.id}/join`)).status, 200);
    });
    after(() => server.stop());

    const statusOf = (s: TestSocket, userId: string, status: string, from = 0, timeoutMs = 6000) =>
      s.next(
        (f) => s.frames.indexOf(f) >= from && f.type === 'presence_updated' && f.data.user_id === userId && f.data.status === status,
        timeoutMs,
      );

    it('a connected user who does nothing shows as away to co-members after AWAY_AFTER, and online again at their next frame', async () => {
      const b = await TestSocket.open(server.url, { token: bob.token });
      const a = await TestSocket.open(server.url, { token: alice.token });
      try {
        const t0 = Date.now();
        await statusOf(b, alice.id, 'online');
        const from = b.frames.length;
        await statusOf(b, alice.id, 'away', from);
        const idle = Date.now() - t0;
        assert.ok(idle >= 1900, `away only after AWAY_AFTER: ${idle} ms`);
        assert.ok(idle < 4500, `and soon after it: ${idle} ms`);
        const back = b.frames.length;
        await a.request('ping');
        await statusOf(b, alice.id, 'online', back);
      } finally {
        a.ws.close();
        b.ws.close();
      }
    });

    it('last_seen is set when the last connection of a user closes (after the offline grace), and co-members hear "offline"', async () => {
      const b = await TestSocket.open(server.url, { token: bob.token });
      const a = await TestSocket.open(server.url, { token: alice.token });
      try {
        // (alice's connection of the test before may still be in its offline grace: she stays online throughout)
        await a.request('ping');
        const closedAt = Date.now();
        a.ws.close();
        // The offline grace (5 s) lets a reconnect pass unnoticed; then co-members hear it.
        await statusOf(b, alice.id, 'offline', b.frames.length, 12_000);
        const seen = (await bob.api.get(`/users/${alice.id}`)).body.last_seen;
        assert.ok(seen, 'last_seen is set');
        const at = Date.parse(seen);
        assert.ok(at >= closedAt - 1000 && at <= Date.now(), `last_seen ${seen} is when alice left`);
      } finally {
        b.ws.close();
      }
    });
  });

  describe(`notification expiry: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    const clock = new ManualClock(new Date());
    const DAY = 24 * 3600 * 1000;
    before(async () => {
      // Tokens outlive the month the test moves through.
      server = await startServer(backend, { clock, config: { NOTIFICATION_DAYS: 30, TOKEN_TTL: 90 * 24 * 3600 } });
    });
    after(() => server.stop());

    it('the periodic job deletes notifications older than NOTIFICATION_DAYS and keeps the younger ones', async () => {
      const alice = await signup(server.url);
      const bob = await signup(server.url);
      const room = (await alice.api.post('/rooms', { name: 'mentions', type: 'public' })).body;
      assert.equal((await bob.api.post(`/rooms/${room.id}/join`)).status, 200);
      const old = (await alice.api.post(`/rooms/${room.id}/messages`, { content: `@${bob.username} first` })).body;
      clock.advance(20 * DAY);
      const young = (await alice.api.post(`/rooms/${room.id}/messages`, { content: `@${bob.username} second` })).body;
      const listed = async () =>
        ((await bob.api.get('/notifications')).body.items as { message_id?: string; message?: { id: string } }[]).map(
          (n) => n.message_id ?? n.message?.id,
        );
      assert.deepEqual((await listed()).sort(), [old.id, young.id].sort());

      clock.advance(11 * DAY); // the first is 31 days old, the second 11
      assert.equal(await server.app.jobs.tick(), true, 'this node ran the jobs');
      assert.deepEqual(await listed(), [young.id]);
    });
  });
}
