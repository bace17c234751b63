import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dropRedisPrefix, freshRedisPrefix, nodeLauncher, type Node } from '../helpers/cluster.ts';
import { runNode } from '../helpers/processes.ts';
import { client, signup } from '../helpers/server.ts';
import { freshPostgresDatabase, serviceUrl } from '../helpers/services.ts';
import { TestSocket } from '../helpers/ws.ts';

// Scaled mode without JWT_SECRET: the nodes share the signing keys kept in the database, and
// ending a session on one node ends it (token and sockets) on the other.
const pgUrl = serviceUrl('TEST_DATABASE_URL');
const redisUrl = serviceUrl('TEST_REDIS_URL');
const skip = pgUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL';
const WAIT = 5000;
const kidOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

describe('sessions and signing keys across two nodes (no JWT_SECRET)', { skip }, () => {
  const launcher = nodeLauncher();
  const prefix = freshRedisPrefix();
  const sockets: TestSocket[] = [];
  let drop: (() => Promise<void>) | undefined;
  let env: Record<string, string | undefined>;
  let a: Node;
  let b: Node;

  before(async () => {
    const db = await freshPostgresDatabase(pgUrl!);
    drop = db.drop;
    env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix };
    // Both at once on an empty database: each may make a first key; they must still agree.
    [a, b] = await Promise.all([launcher.start(env), launcher.start(env)]);
  });
  after(async () => {
    for (const s of sockets) s.close();
    await launcher.cleanup();
    await drop?.();
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  it('a token made on one node works on the other, both ways', async () => {
    const onA = await signup(a.url);
    assert.equal((await client(b.url, onA.token).get('/auth/me')).status, 200);
    const onB = await client(b.url).post('/auth/login', { username: onA.username, password: onA.password });
    assert.equal((await client(a.url, onB.body.token).get('/auth/me')).status, 200);
  });

  it("a session ended on node A: its token stops and its socket on node B closes at once; logout on B closes A's socket", async () => {
    const u = await signup(a.url);
    const phone = (await client(b.url).post('/auth/login', { username: u.username, password: u.password })).body.token as string;
    const phoneSocket = await TestSocket.open(b.url, { token: phone });
    const mySocket = await TestSocket.open(a.url, { token: u.token });
    sockets.push(phoneSocket, mySocket);
    const target = (await u.api.get('/auth/sessions')).body.sessions.find((s: { current: boolean }) => !s.current);
    assert.equal((await client(a.url, u.token).delete(`/auth/sessions/${target.id}`)).status, 204);
    const closed = await phoneSocket.closed(WAIT);
    assert.equal(closed.code, 4001);
    assert.equal((await client(b.url, phone).get('/auth/me')).status, 401);
    assert.equal(mySocket.closeCode, undefined);

    assert.equal((await client(b.url, u.token).post('/auth/logout')).status, 204);
    assert.equal((await mySocket.closed(WAIT)).code, 4001);
    assert.equal((await client(a.url, u.token).get('/auth/me')).status, 401);
  });

  it('rooms admin rotate-keys: a new key signs, tokens of the old one still verify on every node', async () => {
    const u = await signup(a.url);
    const oldKid = kidOf(u.token);
    const rotated = await runNode('packages/cli/bin/rooms.js', ['admin', 'rotate-keys'], { ...env, DATA_DIR: a.dataDir });
    assert.equal(rotated.code, 0, rotated.stderr);
    const newKid = /new signing key (\S+) signs from now on/.exec(rotated.stdout)?.[1];
    assert.ok(newKid && newKid !== oldKid, rotated.stdout);
    assert.match(rotated.stdout, /\d+ older keys? still verify until their tokens expire/);

    // A node started after the rotation signs with the new key; the running node learns it from the first token naming it.
    const c = await launcher.start(env);
    const fresh = await client(c.url).post('/auth/login', { username: u.username, password: u.password });
    assert.equal(kidOf(fresh.body.token), newKid);
    for (const node of [a, b, c]) {
      assert.equal((await client(node.url, fresh.body.token).get('/auth/me')).status, 200, `new key on ${node.url}`);
      assert.equal((await client(node.url, u.token).get('/auth/me')).status, 200, `old key on ${node.url}`);
    }
    const withSecret = await runNode('packages/cli/bin/rooms.js', ['admin', 'rotate-keys'], {
      ...env,
      DATA_DIR: a.dataDir,
      JWT_SECRET: 'x'.repeat(48),
    });
    assert.equal(withSecret.code, 1);
    assert.match(withSecret.stderr, /JWT_SECRET is configured/);
  });
});
