import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClosedInfo } from '../src/node.ts';
import { connected, FAST, member, roomOf, type TestServer, wsSetups } from './helpers.ts';

// The server closes a connection that overdraws its frame budget (1008); the SDK paces itself to
// the budget `ready` announces, so an application that sends as fast as it likes is never closed.
for (const setup of wsSetups()) {
  describe(`client frame pacing at the server's default budget: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await setup.start({ config: { WS_FRAME_RATE: 20, WS_FRAME_BURST: 100 } });
    });
    after(() => srv.stop());

    it('150 requests and 150 touches at once are all answered, and the connection stays open', async () => {
      const alice = await member(srv.url);
      const bob = await member(srv.url);
      const roomId = await roomOf(alice, bob);
      const live = alice.client.live(FAST);
      const closes: ClosedInfo[] = [];
      live.on('closed', (c) => closes.push(c));
      await connected(live);
      const started = Date.now();
      const acks = await Promise.all(
        Array.from({ length: 150 }, (_, i) => {
          live.touch();
          return live.request(i % 2 ? 'typing_stop' : 'typing_start', { room_id: roomId });
        }),
      );
      assert.equal(acks.length, 150);
      assert.deepEqual(closes, [], 'never closed');
      const seconds = (Date.now() - started) / 1000;
      assert.ok(seconds > 2, `paced to ~18 frames/s after the burst: ${seconds} s`);
      live.stop();
    });
  });
}
