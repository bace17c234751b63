import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RoomsClient } from '@rooms/client';
import { BubbleClient, BUBBLE_ROOM_CATEGORIES, bubbleConfig } from '../helpers/bubble.ts';
import { dropRedisPrefix, freshRedisPrefix, nodeLauncher, sharedSecret } from '../helpers/cluster.ts';
import { client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends, freshPostgresDatabase, serviceUrl } from '../helpers/services.ts';
import { TestSocket } from '../helpers/ws.ts';

const WAIT = 5000;

/**
 * A bubble client and a /ws client (or the SDK) in one room: each one's messages reach the other.
 * Returns what each saw.
 */
async function bothWays(bubbleBase: string, wsBase: string) {
  const bubble = await BubbleClient.connect(bubbleBase, 'v1-websocket');
  const web = await signup(wsBase);
  const ws = await TestSocket.open(wsBase, { token: web.token });
  try {
    const room = await bubble.request('create_room', { roomName: 'bubble meets ws', categories: ['Advice'] });
    const roomId = room.roomId;
    const joinedSeen = bubble.next('join_room', (d) => d.bubbleId === web.id, WAIT);
    assert.equal((await client(wsBase, web.token).post(`/rooms/${roomId}/join`)).status, 200);
    assert.equal((await joinedSeen).userId, web.id, 'a /ws user is named by their user id');
    const view = await client(wsBase, web.token).get(`/rooms/${roomId}`);
    assert.deepEqual(view.body.categories, ['advice']);

    // bubble → /ws
    const atWs = ws.next((f) => f.type === 'message_created' && f.room_id === roomId && f.data.message.content === 'from bubble', WAIT);
    bubble.emit('add_message', { roomId, message: 'from bubble' });
    const created = await atWs;
    assert.equal(created.data.message.sender.id, bubble.received.find((r) => r.event === 'my_id')!.data);

    // /ws → bubble
    const atBubble = bubble.next('add_message', (d) => d.content === 'from ws', WAIT);
    await ws.request('send_message', { room_id: roomId, content: 'from ws' });
    const got = await atBubble;
    assert.equal(got.sentByMe, false);
    assert.equal(got.bubbleId, web.id);
    assert.equal(got.userId, web.id);
    assert.equal(got.roomName, 'bubble meets ws');

    // A name change on the web reaches bubble as set_user_name.
    const renamed = bubble.next('set_user_name', (d) => d.bubbleId === web.id, WAIT);
    assert.equal((await client(wsBase, web.token).patch('/users/me', { display_name: 'Web Person' })).status, 200);
    assert.equal((await renamed).newName, 'Web Person');

    // Typing on /ws reaches bubble; the bubble client leaving reaches /ws as user_left.
    const typing = bubble.next('typing', (d) => d.bubbleId === web.id, WAIT);
    await ws.request('typing_start', { room_id: roomId });
    await typing;
    const left = ws.next((f) => f.type === 'user_left' && f.room_id === roomId, WAIT);
    bubble.close();
    await left;
    return { roomId };
  } finally {
    bubble.close();
    ws.close();
  }
}

for (const backend of backends()) {
  describe(`bubble and /ws in one room (${backend.name})`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(backend, { config: bubbleConfig(backend) });
    });
    after(() => srv.stop());

    it('messages, joins, names and typing go both ways; a bubble disconnect is a leave', async () => {
      await bothWays(srv.url, srv.url);
    });

    it('the SDK (packages/client) and a bubble client (4.x, polling) talk in one room', async () => {
      const sdk = new RoomsClient({ baseUrl: srv.url });
      await sdk.auth.signup({
        username: `sdk_${Date.now().toString(36)}`,
        email: `sdk${Date.now()}@example.test`,
        password: 'correct horse battery',
        setup_token: 'test-setup-token-0123456789',
      } as never);
      const bubble = await BubbleClient.connect(srv.url, 'v4-polling');
      const live = sdk.live();
      const seen: string[] = [];
      live.on('event', (e) => {
        if (e.type === 'message_created') seen.push((e.data as { message: { content: string } }).message.content);
      });
      live.start();
      try {
        const room = await bubble.request('create_room', { roomName: 'sdk room' });
        await sdk.rooms.join(room.roomId);
        const fromSdk = bubble.next('add_message', (d) => d.content === 'hello bubble', WAIT);
        await live.send(room.roomId, 'hello bubble');
        await fromSdk;
        bubble.emit('add_message', { roomId: room.roomId, message: 'hello sdk' });
        const until = Date.now() + WAIT;
        while (!seen.includes('hello sdk') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        assert.ok(seen.includes('hello sdk'), `the SDK saw: ${seen.join(', ')}`);
      } finally {
        live.stop();
        bubble.close();
      }
    });
  });
}

const pgUrl = serviceUrl('TEST_DATABASE_URL');
const redisUrl = serviceUrl('TEST_REDIS_URL');
describe(
  'bubble on node A, /ws on node B (PostgreSQL + Redis)',
  { skip: pgUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL' },
  () => {
    const launcher = nodeLauncher();
    const prefix = freshRedisPrefix();
    let drop: (() => Promise<void>) | undefined;
    let A = '';
    let B = '';

    before(async () => {
      const db = await freshPostgresDatabase(pgUrl!);
      drop = db.drop;
      const env = {
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        REDIS_PREFIX: prefix,
        JWT_SECRET: sharedSecret(),
        BUBBLE_GATEWAY: 'true',
        ROOM_CATEGORIES: BUBBLE_ROOM_CATEGORIES,
      };
      const [a, b] = await Promise.all([launcher.start(env), launcher.start(env)]);
      A = a.url;
      B = b.url;
    });
    after(async () => {
      await launcher.cleanup();
      await drop?.();
      if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
    });

    it('messages, joins, names and typing go both ways across the nodes', async () => {
      await bothWays(A, B);
    });

    it('two bubble clients on two nodes: messages, participants and exits', async () => {
      const a = await BubbleClient.connect(A, 'v1-polling');
      const b = await BubbleClient.connect(B, 'v4-websocket');
      try {
        const room = await a.request('create_room', { roomName: 'two nodes' });
        const joinSeen = a.next('join_room', (d) => d.userId !== a.id, WAIT);
        const joined = await b.request('join_room', { roomId: room.roomId });
        assert.equal(joined.participants.length, 2);
        await joinSeen;
        const got = a.next('add_message', (d) => d.content === 'across', WAIT);
        b.emit('add_message', { roomId: room.roomId, message: 'across' });
        assert.equal((await got).userId, b.id, 'the sending socket is named on the other node too (client_id)');
        const exit = a.next('exit_room', () => true, WAIT);
        b.close();
        await exit;
        assert.equal((await a.request('view_room', { roomId: room.roomId })).numUsers, 1);
      } finally {
        a.close();
        b.close();
      }
    });
  },
);
