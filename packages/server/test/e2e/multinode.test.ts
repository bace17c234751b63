import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dropRedisPrefix, freshRedisPrefix, nodeLauncher, sharedSecret } from '../helpers/cluster.ts';
import { client, signup } from '../helpers/server.ts';
import { freshPostgresDatabase, serviceUrl } from '../helpers/services.ts';
import { TestSocket, type Frame } from '../helpers/ws.ts';

// Scaled mode as operators run it: two server processes on one PostgreSQL and one Redis, each
// with its own DATA_DIR and the same JWT secret. Every event must reach the clients of both.
const pgUrl = serviceUrl('TEST_DATABASE_URL');
const redisUrl = serviceUrl('TEST_REDIS_URL');
const skip = pgUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL';

const WAIT = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The durable (seq) frames of one room a socket received, in arrival order. */
const roomSeqs = (s: TestSocket, roomId: string): number[] =>
  s.frames.filter((f) => f.room_id === roomId && f.seq !== undefined).map((f) => f.seq!);

describe('two nodes on one PostgreSQL and one Redis', { skip }, () => {
  const launcher = nodeLauncher();
  const prefix = freshRedisPrefix();
  const sockets: TestSocket[] = [];
  let drop: (() => Promise<void>) | undefined;
  let A = '';
  let B = '';

  const open = async (base: string, token: string) => {
    const s = await TestSocket.open(base, { token });
    sockets.push(s);
    return s;
  };
  /** Waits for the same frame on both sockets; returns both. */
  const onAll = ([x, y]: [TestSocket, TestSocket], match: (f: Frame) => boolean): Promise<[Frame, Frame]> =>
    Promise.all([x.next(match, WAIT), y.next(match, WAIT)]);

  before(async () => {
    const db = await freshPostgresDatabase(pgUrl!);
    drop = db.drop;
    const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, JWT_SECRET: sharedSecret() };
    // Both at once: they race for the migrations, which the advisory lock must serialise.
    const [a, b] = await Promise.all([launcher.start(env), launcher.start(env)]);
    A = a.url;
    B = b.url;
    assert.notEqual(A, B);
  });

  after(async () => {
    for (const s of sockets) s.close();
    await launcher.cleanup();
    await drop?.();
    if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
  });

  it('room events sent on either node (REST and WebSocket) reach the clients on both, with the same seqs, in order', async () => {
    const alice = await signup(A);
    const bob = await signup(B);
    const sa = await open(A, alice.token);
    const sb = await open(B, bob.token);

    const room = await client(A, alice.token).post('/rooms', { name: 'across nodes', type: 'public' });
    assert.equal(room.status, 201);
    const roomId: string = room.body.id;
    await sa.next((f) => f.type === 'user_joined' && f.room_id === roomId, WAIT);

    // Bob joins over REST on node A; his socket on node B starts following the room at once.
    assert.equal((await client(A, bob.token).post(`/rooms/${roomId}/join`)).status, 200);
    const joined = await onAll([sa, sb], (f) => f.type === 'user_joined' && f.room_id === roomId && f.data.user.id === bob.id);
    assert.equal(joined[0].seq, joined[1].seq);

    // WebSocket send on A → both.
    const ack = await sa.request('send_message', { room_id: roomId, content: 'hello from A', client_id: 'mn-1' });
    assert.equal(ack.created, true);
    const viaWs = await onAll([sa, sb], (f) => f.type === 'message_created' && f.data.message.id === ack.message.id);
    for (const f of viaWs) assert.equal(f.seq, ack.message.seq);
    assert.equal(viaWs[1].data.message.content, 'hello from A');

    // REST send on B → both.
    const posted = await client(B, bob.token).post(`/rooms/${roomId}/messages`, { content: 'hello from B' });
    assert.equal(posted.status, 201);
    const viaRest = await onAll([sa, sb], (f) => f.type === 'message_created' && f.data.message.id === posted.body.id);
    for (const f of viaRest) assert.equal(f.seq, posted.body.seq);

    // Reactions: added on B, removed on A.
    assert.equal((await client(B, bob.token).post(`/messages/${ack.message.id}/reactions`, { emoji: '👍' })).status, 201);
    await onAll([sa, sb], (f) => f.type === 'reaction_added' && f.room_id === roomId);
    assert.equal((await client(A, bob.token).delete(`/messages/${ack.message.id}/reactions/${encodeURIComponent('👍')}`)).status, 204);
    await onAll([sa, sb], (f) => f.type === 'reaction_removed' && f.room_id === roomId);

    // Edit and delete on A (alice's own message) → both.
    assert.equal((await client(A, alice.token).put(`/messages/${ack.message.id}`, { content: 'hello from A, edited' })).status, 200);
    const edited = await onAll([sa, sb], (f) => f.type === 'message_updated' && f.room_id === roomId);
    assert.equal(edited[1].data.message.content, 'hello from A, edited');
    assert.equal((await client(B, bob.token).delete(`/messages/${posted.body.id}`)).status, 204);
    await onAll([sa, sb], (f) => f.type === 'message_deleted' && f.data.message_id === posted.body.id);

    // Typing on B reaches A; the typist never hears their own.
    await sb.request('typing_start', { room_id: roomId });
    const typing = await sa.next((f) => f.type === 'user_typing' && f.data.user_id === bob.id && f.data.typing === true, WAIT);
    assert.equal(typing.room_id, roomId);
    await sb.request('typing_stop', { room_id: roomId });
    await sa.next((f) => f.type === 'user_typing' && f.data.user_id === bob.id && f.data.typing === false, WAIT);
    assert.equal(sb.ofType('user_typing').length, 0);

    // Bob leaves over REST on B: alice on A hears it, bob's socket gets that last frame and nothing after.
    assert.equal((await client(B, bob.token).post(`/rooms/${roomId}/leave`)).status, 204);
    const left = await onAll([sa, sb], (f) => f.type === 'user_left' && f.room_id === roomId);
    assert.equal(left[0].seq, left[1].seq);
    const after = await sa.request('send_message', { room_id: roomId, content: 'bob is gone' });
    await sa.next((f) => f.type === 'message_created' && f.data.message.id === after.message.id, WAIT);
    await sleep(300);
    assert.ok(
      !sb.frames.some((f) => f.type === 'message_created' && f.data.message.id === after.message.id),
      'a member who left hears nothing more',
    );

    // Every durable event, seen from both nodes: contiguous, in order, once; bob's is the slice of his membership.
    const aSeqs = roomSeqs(sa, roomId);
    const bSeqs = roomSeqs(sb, roomId);
    assert.deepEqual(
      aSeqs,
      Array.from({ length: aSeqs.length }, (_, i) => aSeqs[0]! + i),
    );
    assert.deepEqual(
      bSeqs,
      aSeqs.filter((s) => s >= joined[1].seq! && s <= left[1].seq!),
    );
  });

  it('presence set on one node is seen on the other: online when a socket opens, offline after the last closes', async () => {
    const alice = await signup(A);
    const carol = await signup(B);
    const room = await client(A, alice.token).post('/rooms', { name: 'presence', type: 'public' });
    assert.equal((await client(B, carol.token).post(`/rooms/${room.body.id}/join`)).status, 200);
    const sa = await open(A, alice.token);

    const sc = await open(B, carol.token);
    const online = await sa.next((f) => f.type === 'presence_updated' && f.data.user_id === carol.id && f.data.status === 'online', WAIT);
    assert.ok(online);
    await sc.request('set_status', { status: 'busy' });
    await sa.next((f) => f.type === 'presence_updated' && f.data.user_id === carol.id && f.data.status === 'busy', WAIT);
    sc.close();
    // Offline only after the reconnect grace (5 s).
    await sa.next((f) => f.type === 'presence_updated' && f.data.user_id === carol.id && f.data.status === 'offline', 10_000);
  });

  it('a client that reconnects to the other node resumes exactly what it missed, once and in order', async () => {
    const alice = await signup(A);
    const bob = await signup(B);
    const room = await client(A, alice.token).post('/rooms', { name: 'resume across', type: 'public' });
    const roomId: string = room.body.id;
    assert.equal((await client(B, bob.token).post(`/rooms/${roomId}/join`)).status, 200);
    const sb = await open(B, bob.token);
    const first = await client(A, alice.token).post(`/rooms/${roomId}/messages`, { content: 'seen' });
    await sb.next((f) => f.type === 'message_created' && f.data.message.id === first.body.id, WAIT);
    const lastSeen = first.body.seq as number;
    sb.close();
    await sb.closed();

    const missed: number[] = [];
    for (let i = 0; i < 5; i++)
      missed.push((await client(A, alice.token).post(`/rooms/${roomId}/messages`, { content: `missed ${i}` })).body.seq);

    const again = await open(A, bob.token);
    const resumed = await again.request('resume', { rooms: { [roomId]: lastSeen } });
    assert.equal(resumed.rooms[roomId], missed.at(-1));
    const live = await client(B, alice.token).post(`/rooms/${roomId}/messages`, { content: 'live again' });
    await again.next((f) => f.type === 'message_created' && f.data.message.id === live.body.id, WAIT);
    assert.deepEqual(roomSeqs(again, roomId), [...missed, live.body.seq]);
  });

  it("a password change on node A closes the account's socket on node B (4001)", async () => {
    const dave = await signup(A);
    const sb = await open(B, dave.token);
    const changed = await client(A, dave.token).put('/users/me/password', {
      current_password: dave.password,
      new_password: 'another long passphrase',
    });
    assert.equal(changed.status, 200);
    const closed = await sb.closed(WAIT);
    assert.equal(closed.code, 4001);
    assert.match(closed.reason, /revoked/);
    // The fresh token works on the other node.
    assert.equal((await client(B, changed.body.token).get('/auth/me')).status, 200);
    assert.equal((await client(B, dave.token).get('/auth/me')).status, 401);
  });

  it('the message rate limit is shared: 10 sends split across both nodes, the 11th is refused on either', async () => {
    const erin = await signup(A);
    const room = await client(A, erin.token).post('/rooms', { name: 'rate', type: 'public' });
    const roomId: string = room.body.id;
    const sa = await open(A, erin.token);
    const sb = await open(B, erin.token);
    for (let i = 0; i < 10; i++) {
      if (i % 2 === 0) await sa.request('send_message', { room_id: roomId, content: `a${i}` });
      else assert.equal((await client(B, erin.token).post(`/rooms/${roomId}/messages`, { content: `b${i}` })).status, 201);
    }
    await assert.rejects(sb.request('send_message', { room_id: roomId, content: 'eleventh' }), (err: { code?: string; frame?: Frame }) => {
      assert.equal(err.code, 'rate_limited');
      assert.ok((err.frame?.error?.retry_after ?? 0) >= 1);
      return true;
    });
    const rest = await client(A, erin.token).post(`/rooms/${roomId}/messages`, { content: 'twelfth' });
    assert.equal(rest.status, 429);
    assert.equal(rest.body.error.code, 'rate_limited');
  });

  it('login lockout is shared: three failures split across the nodes block the next login on both', async () => {
    const fred = await signup(A);
    const wrong = { username: fred.username, password: 'not the password' };
    assert.equal((await client(A).post('/auth/login', wrong)).status, 401);
    assert.equal((await client(B).post('/auth/login', wrong)).status, 401);
    assert.equal((await client(A).post('/auth/login', wrong)).status, 401);
    for (const base of [B, A]) {
      const right = await client(base).post('/auth/login', { username: fred.username, password: fred.password });
      assert.equal(right.status, 429, `blocked on ${base === A ? 'A' : 'B'}`);
      assert.equal(right.body.error.code, 'login_blocked');
    }
  });
});
