import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BubbleClient, bubbleConfig } from '../helpers/bubble.ts';
import { account, NamespaceClient } from '../helpers/namespace-client.ts';
import { signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { freePort } from '../helpers/ports.ts';
import { ChatroomClient } from '../helpers/tcp-client.ts';
import { TestSocket } from '../helpers/ws.ts';

const WAIT = 5000;

/**
 * Issue 18: the gateways' users are Rooms users, and clients of every protocol reach each other
 * where the models overlap. One server with all three gateways on: an account made by a namespace
 * client logs in over TCP and talks with a /ws (web, terminal) user in their direct room; a room
 * made by that namespace client is where a bubble client and the /ws user talk.
 */
for (const backend of backends()) {
  describe(`every protocol on one server: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    let tcpPort = 0;
    const closers: (() => unknown)[] = [];
    before(async () => {
      tcpPort = await freePort();
      server = await startServer(backend, { config: { ...bubbleConfig(backend), NAMESPACE_GATEWAY: 'true', TCP_GATEWAY_PORT: tcpPort } });
      await signup(server.url, { username: 'root' });
    });
    after(async () => {
      for (const close of closers) await close();
      await server.stop();
    });

    it('namespace sign-up → TCP login → direct messages with /ws both ways; a namespace room hosts bubble and /ws', async () => {
      const ns = await NamespaceClient.open(server.url);
      closers.push(() => ns.close());
      const carol = account('carol_gw', 'carol password 1');
      assert.equal(
        (await ns.send({ namespace: '/signup', account: { ...carol, displayName: 'Carol' } })).result,
        'account generated: true',
      );

      const tcp = new ChatroomClient(tcpPort);
      closers.push(() => tcp.close());
      assert.equal((await tcp.login(carol.username, carol.password)).command, 'OK');

      const bob = await signup(server.url);
      const ws = await TestSocket.open(server.url, { token: bob.token });
      closers.push(() => ws.close());

      // /ws user → TCP user: one call opens their direct room; the TCP client gets the push.
      const first = await bob.api.post(`/users/by-name/${carol.username}/messages`, { content: 'hello carol, from the web' });
      assert.equal(first.status, 201);
      assert.deepEqual(await tcp.nextPush((p) => p.command === 'MESSAGE'), {
        command: 'MESSAGE',
        from: bob.username,
        message: 'hello carol, from the web',
      });
      // TCP user → /ws user, in the same direct room.
      const answered = ws.next((f) => f.type === 'message_created' && f.data.message.content === 'hi bob, from TCP', WAIT);
      assert.equal((await tcp.send([bob.username], 'hi bob, from TCP')).message, `To ${bob.username}: You message has been sent!\n`);
      assert.equal((await answered).room_id, first.body.room_id);

      // A room made through the namespace protocol is a Rooms room: bubble and /ws clients meet in it.
      const made = await ns.send({ namespace: '/room/new', account: carol, room: { title: 'Everyone', categories: ['advice'] } });
      assert.equal(made.result, 'room generated: true');
      const roomId = made.rooms[0]._id as string;
      assert.equal((await bob.api.post(`/rooms/${roomId}/join`)).status, 200);
      const bubble = await BubbleClient.connect(server.url, 'v1-websocket');
      closers.push(() => bubble.close());
      const joined = await bubble.request('join_room', { roomId });
      assert.equal(joined.roomName, 'Everyone');

      const atWs = ws.next((f) => f.type === 'message_created' && f.room_id === roomId && f.data.message.content === 'from bubble', WAIT);
      bubble.emit('add_message', { roomId, message: 'from bubble' });
      await atWs;
      const atBubble = bubble.next('add_message', (d) => d.content === 'from the web', WAIT);
      await ws.request('send_message', { room_id: roomId, content: 'from the web' });
      assert.equal((await atBubble).bubbleId, bob.id);

      // And the room's log, read over REST, holds both, in order.
      const log = (await bob.api.get(`/rooms/${roomId}/messages`)).body.items
        .filter((m: { type: string }) => m.type !== 'system')
        .map((m: { content: string }) => m.content);
      assert.deepEqual(log, ['from the web', 'from bubble']);
    });
  });
}
