import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dropRedisPrefix, freshRedisPrefix, nodeLauncher, sharedSecret } from '../helpers/cluster.ts';
import { account, NamespaceClient } from '../helpers/namespace-client.ts';
import { client, signup } from '../helpers/server.ts';
import { freshPostgresDatabase, serviceUrl } from '../helpers/services.ts';
import { TestSocket } from '../helpers/ws.ts';

// The namespace gateway in scaled mode: two server processes on one PostgreSQL and one Redis. What
// a gateway client does on one node is what REST, /ws and the gateway see on the other.
const pgUrl = serviceUrl('TEST_DATABASE_URL');
const redisUrl = serviceUrl('TEST_REDIS_URL');
const skip = pgUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL';
const WAIT = 5000;

describe('namespace gateway on two nodes (PostgreSQL + Redis)', { skip }, () => {
  const launcher = nodeLauncher();
  const prefix = freshRedisPrefix();
  const clients: { close(): void }[] = [];
  let drop: (() => Promise<void>) | undefined;
  let A = '';
  let B = '';

  const gateway = async (base: string) => {
    const c = await NamespaceClient.open(base);
    clients.push(c);
    return c;
  };

  before(async () => {
    const db = await freshPostgresDatabase(pgUrl!);
    drop = db.drop;
    const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, JWT_SECRET: sharedSecret(), NAMESPACE_GATEWAY: 'true' };
    const [a, b] = await Promise.all([launcher.start(env), launcher.start(env)]);
    A = a.url;
    B = b.url;
    await signup(A, { username: 'root' });
  });

  after(async () => {
    for (const c of clients) c.close();
    await launcher.cleanup();
    await drop?.();
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  it('a gateway sign-up on A logs in over REST and the gateway on B; its room made on B is a Rooms room on A, live on /ws', async () => {
    const [gwA, gwB] = [await gateway(A), await gateway(B)];
    const signupFrame = { namespace: '/signup', account: { ...account('nodal', 'password-1'), displayName: 'Nodal' } };
    assert.deepEqual(await gwA.send(signupFrame), { result: 'account generated: true' });
    assert.equal((await client(B).post('/auth/login', { username: 'nodal', password: 'password-1' })).status, 200);
    const login = await gwB.send({ namespace: '/login', account: account('nodal', 'password-1') });
    assert.equal(login.result, 'access granted');
    const nodalId: string = login.account._id;

    const made = await gwB.send({ namespace: '/room/new', account: account('nodal', 'password-1'), room: { title: 'Made on B' } });
    assert.equal(made.result, 'room generated: true');
    const roomId: string = made.rooms[0]._id;
    const alice = await signup(A);
    const seen = await alice.api.get(`/rooms/${roomId}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.name, 'Made on B');
    assert.equal((await alice.api.post(`/rooms/${roomId}/join`)).status, 200);

    // Alice's socket on A hears the gateway user's rename made on B, and the like she can see on B.
    const socket = await TestSocket.open(A, { token: alice.token });
    clients.push({ close: () => socket.close() });
    const renamed = await gwB.send({
      namespace: '/update/displayname',
      account: account('nodal', 'password-1'),
      updateDisplayName: 'Nodal Renamed',
    });
    assert.equal(renamed.result, 'displayName updated: true');
    const updated = await socket.next((f) => f.type === 'user_updated' && f.data.user.id === nodalId, WAIT);
    assert.equal(updated.data.user.display_name, 'Nodal Renamed');

    const bob = await signup(B);
    assert.equal(
      (await gwA.send({ namespace: '/signup', account: { ...account('liker_a', 'password-1'), displayName: 'Liker' } })).result,
      'account generated: true',
    );
    assert.equal((await gwA.send({ namespace: '/room/like', account: account('liker_a', 'password-1'), roomId })).result, 'liked room');
    assert.equal((await bob.api.get(`/rooms/${roomId}`)).body.like_count, 1);
  });

  it('shares the login lockout between the nodes (Redis): three wrong passwords on A block the right one on B', async () => {
    const [gwA, gwB] = [await gateway(A), await gateway(B)];
    await gwA.send({ namespace: '/signup', account: { ...account('locked_mn', 'password-1'), displayName: 'L' } });
    for (let i = 0; i < 3; i++)
      assert.equal(
        (await gwA.send({ namespace: '/login', account: account('locked_mn', 'wrong-password') })).result,
        'access denied: incorrect password',
      );
    const blocked = await gwB.send({ namespace: '/login', account: account('locked_mn', 'password-1') });
    assert.match(blocked.result, /^access denied: too many failed logins, try again in \d+ seconds$/);
    assert.equal((await client(B).post('/auth/login', { username: 'locked_mn', password: 'password-1' })).status, 429);
  });
});
