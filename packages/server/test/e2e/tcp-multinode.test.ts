import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dropRedisPrefix, freshRedisPrefix, nodeLauncher, sharedSecret } from '../helpers/cluster.ts';
import { signup } from '../helpers/server.ts';
import { freshPostgresDatabase, serviceUrl } from '../helpers/services.ts';
import { freePort } from '../helpers/ports.ts';
import { ChatroomClient } from '../helpers/tcp-client.ts';
import { TestSocket } from '../helpers/ws.ts';

// Two server processes on one PostgreSQL and one Redis, each with its own TCP gateway: a TCP
// client on node A and web clients on node B reach each other through the bus.
const pgUrl = serviceUrl('TEST_DATABASE_URL');
const redisUrl = serviceUrl('TEST_REDIS_URL');
const skip = pgUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL';

describe('TCP gateway on two nodes', { skip }, () => {
  const launcher = nodeLauncher();
  const prefix = freshRedisPrefix();
  const clients: ChatroomClient[] = [];
  const sockets: TestSocket[] = [];
  let drop: (() => Promise<void>) | undefined;
  let A = '';
  let B = '';
  let tcpA = 0;
  let tcpB = 0;

  before(async () => {
    const db = await freshPostgresDatabase(pgUrl!);
    drop = db.drop;
    const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, JWT_SECRET: sharedSecret() };
    [tcpA, tcpB] = [await freePort(), await freePort()];
    const a = await launcher.start({ ...env, TCP_GATEWAY_PORT: String(tcpA) });
    const b = await launcher.start({ ...env, TCP_GATEWAY_PORT: String(tcpB) });
    A = a.url;
    B = b.url;
  });

  after(async () => {
    for (const s of sockets) s.close();
    for (const c of clients) await c.close();
    await launcher.cleanup();
    await drop?.();
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  it('a TCP user on node A gets a direct message sent on node B, and its answer reaches node B', async () => {
    const alice = await signup(A);
    const bob = await signup(B);
    const tcp = new ChatroomClient(tcpA);
    clients.push(tcp);
    assert.equal((await tcp.login(alice.username, alice.password)).command, 'OK');
    const ws = await TestSocket.open(B, { token: bob.token });
    sockets.push(ws);

    const room = (await bob.api.post(`/direct/${alice.id}`)).body.id as string;
    assert.equal((await bob.api.post(`/rooms/${room}/messages`, { content: 'from node B' })).status, 201);
    assert.deepEqual(await tcp.nextPush((p) => p.command === 'MESSAGE'), {
      command: 'MESSAGE',
      from: bob.username,
      message: 'from node B',
    });

    assert.equal((await tcp.send([bob.username], 'from node A over tcp')).message, `To ${bob.username}: You message has been sent!\n`);
    const frame = await ws.next((f) => f.type === 'message_created' && f.data.message.content === 'from node A over tcp', 5000);
    assert.equal(frame.room_id, room);
  });

  it("logging in on node B's gateway ends the login on node A (its Rooms session is revoked there)", async () => {
    const carol = await signup(A);
    const first = new ChatroomClient(tcpA);
    const second = new ChatroomClient(tcpB);
    clients.push(first, second);
    assert.equal((await first.login(carol.username, carol.password)).command, 'OK');
    assert.equal((await second.login(carol.username, carol.password)).command, 'OK');
    const push = await first.nextPush((p) => p.command === 'LOGOUT', 5000);
    assert.match(push.message, /session revoked/);
    assert.equal((await first.who()).command, 'NOT_LOGGED_IN');
    assert.equal((await second.who()).command, 'OK');
  });
});
