import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { account, NamespaceClient } from '../helpers/namespace-client.ts';
import { client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

const NAMESPACES = [
  '/signup',
  '/login',
  '/update/displayname',
  '/update/username',
  '/update/password',
  '/deactivate',
  '/room/new',
  '/room/delete',
  '/room/like',
  '/search/room/title',
  '/search/room/id',
  '/search/user/id',
  '/search/friend/rooms',
  '/follow/user',
];
const FIELDS = ['room', 'roomId', 'userId', 'roomTitle', 'updateUsername', 'updatePassword', 'updateDisplayName'];
const ACCOUNT_FIELDS = ['displayName', 'phone', 'website', 'bio', 'personalInfo', 'basicInfo', 'setupToken', 'inviteCode'];
const FRAMES = Number(process.env.NAMESPACE_FUZZ_FRAMES ?? 300);

/** A small seeded generator (mulberry32): a failing run can be replayed with its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

/** Values of every JSON type, and strings Rooms refuses (NUL, lone surrogates, controls, huge). */
function value(r: Rng, ids: string[], depth = 0): unknown {
  const scalars: unknown[] = [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    Number.MAX_SAFE_INTEGER,
    '',
    ' ',
    'x',
    'ab',
    'Ünïcode 🐍',
    '\u0000',
    '\ud800',
    'a\nb\tc',
    'x'.repeat(300),
    '__proto__',
    'constructor',
    'toString',
    '00000000-0000-7000-8000-000000000000',
    'room-1',
    '2001/05/12',
    'not a date',
    '48.0',
  ];
  switch (depth < 3 ? r.int(5) : 0) {
    case 0:
      return r.pick([...scalars, ...ids]);
    case 1:
      return Array.from({ length: r.int(4) }, () => value(r, ids, depth + 1));
    case 2:
      return Object.fromEntries(
        Array.from({ length: r.int(4) }, () => [
          r.pick([
            'title',
            'description',
            'type',
            'categories',
            'memberLimit',
            'topicKind',
            'health',
            'hobbies',
            'sex',
            'height',
            'weight',
            'birthDate',
            '__proto__',
            'x',
          ]),
          value(r, ids, depth + 1),
        ]),
      );
    default:
      return r.pick(ids.length > 0 ? ids : scalars);
  }
}

/** One frame: raw text that is no request, a request with junk in it, or a well-formed request with junk fields. */
function frame(r: Rng, ids: string[], me: { username: string; password: string }): string | Buffer {
  const kind = r.int(10);
  if (kind === 0)
    return r.pick([
      '',
      '{',
      '}',
      'null',
      '[]',
      '"x"',
      '42',
      '{"namespace":',
      '\u0000',
      '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
      '['.repeat(5000) + ']'.repeat(5000),
      '{"namespace":"/login","account":{"email":"","password":"","username":"\\ud800"}}',
    ]);
  if (kind === 1) return Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256)));
  const packet: Record<string, unknown> = {};
  if (r.int(12) > 0) packet.namespace = r.int(8) > 0 ? r.pick(NAMESPACES) : value(r, ids);
  const acct: Record<string, unknown> =
    kind < 6 ? { ...account(me.username, me.password) } : { email: value(r, ids), username: value(r, ids), password: value(r, ids) };
  for (const f of ACCOUNT_FIELDS) if (r.int(3) === 0) acct[f] = value(r, ids);
  if (r.int(15) > 0) packet.account = r.int(20) > 0 ? acct : value(r, ids);
  for (const f of FIELDS) if (r.int(2) === 0) packet[f] = value(r, ids);
  return JSON.stringify(packet);
}

/** Malformed input never crashes the gateway nor the server: every frame gets a reply (or a close), never "server error". */
for (const backend of backends()) {
  describe(`namespace gateway fuzz: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { config: { NAMESPACE_GATEWAY: 'true' } });
      await signup(server.url, { username: 'root' });
    });
    after(() => server.stop());

    it(`answers ${FRAMES} random frames, each with a result string, and stays well`, async (t) => {
      const seed = Number(process.env.NAMESPACE_FUZZ_SEED ?? Date.now() % 1_000_000);
      const r = rng(seed);
      const me = { username: 'fuzzer', password: 'fuzz-password' };
      const other = await signup(server.url);
      const room = (await other.api.post('/rooms', { name: 'fuzz target' })).body.id as string;
      const ns = { c: await NamespaceClient.open(server.url) };
      assert.equal(
        (await ns.c.send({ namespace: '/signup', account: { ...account(me.username, me.password), displayName: 'Fuzzer' } })).result,
        'account generated: true',
      );
      const myId = (await ns.c.send({ namespace: '/login', account: account(me.username, me.password) })).account._id as string;
      const ids = [other.id, room, myId];
      const results = new Map<string, number>();
      for (let i = 0; i < FRAMES; i++) {
        const f = frame(r, ids, me);
        const reply = await ns.c.send(f);
        const where = `seed ${seed}, frame ${i}: ${String(f).slice(0, 300)} → ${JSON.stringify(reply).slice(0, 300)}`;
        assert.equal(typeof reply, 'object', where);
        assert.equal(typeof reply.result, 'string', where);
        assert.notEqual(reply.result, 'server error', where);
        const key = reply.result.replace(/: .*/, '');
        results.set(key, (results.get(key) ?? 0) + 1);
        // Keep the fuzzer's own account usable when a frame happened to change it.
        if (reply.result === 'password updated: true') me.password = (JSON.parse(f as string) as { updatePassword: string }).updatePassword;
        if (reply.result === 'username updated: true') me.username = reply.account.username as string;
        if (reply.result === 'account deactivate: true')
          await ns.c.send({ namespace: '/login', account: account(me.username, me.password) });
        if (ns.c.ws.readyState !== ns.c.ws.OPEN) {
          assert.equal((await ns.c.closed).code, 1000, where);
          ns.c = await NamespaceClient.open(server.url);
        }
      }
      ns.c.close();
      t.diagnostic(`seed ${seed}: ${JSON.stringify([...results].sort((a, b) => b[1] - a[1]))}`);
      // Past the pre-checks too: the handlers ran, with the protocol's answers.
      assert.ok(results.size >= 10, `few distinct results: ${JSON.stringify([...results])}`);
      assert.equal((await client(server.url).get('/readyz')).status, 200);
      const after = await NamespaceClient.open(server.url);
      assert.equal((await after.send({ namespace: '/login', account: account(me.username, me.password) })).result, 'access granted');
      after.close();
    });

    it('answers pipelined requests in order, and closes a client that queues too many (1008)', async () => {
      const c = await NamespaceClient.open(server.url);
      const replies = await Promise.all([
        c.send({ namespace: '/nope', account: account('fuzzer', 'x') }),
        c.send({ namespace: '/login', account: account('nobody_at_all', 'password-x') }),
        c.send({ namespace: '/room/new', account: account('nobody_at_all', 'password-x') }),
        c.send({ namespace: '/search/friend/rooms', account: { email: '', username: '', password: 'x' } }),
      ]);
      assert.deepEqual(
        replies.map((x) => x.result),
        ['unknown namespace', 'access denied: incorrect password', 'room is required', 'account exists: false'],
      );
      for (let i = 0; i < 40; i++) c.ws.send(JSON.stringify({ namespace: '/login', account: account('nobody_at_all', 'password-x') }));
      assert.equal((await c.closed).code, 1008);
    });
  });
}
