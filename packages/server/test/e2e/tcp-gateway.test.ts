import assert from 'node:assert/strict';
import { RoomsClient } from '@rooms/client';
import { after, afterEach, before, describe, it } from 'node:test';
import { freePort } from '../helpers/ports.ts';
import { ChatroomClient, rawExchange, requestBody } from '../helpers/tcp-client.ts';
import { client } from '../helpers/server.ts';
import { signup, sleep, socketPool, type TestServer, type User, wsSetups } from '../helpers/ws-suite.ts';

// The simple chatroom's TCP protocol (GATEWAYS.md §3) against Rooms, with a client that sends and
// takes exactly the bytes of the seed's Client.py, beside web (/ws, REST) and SDK clients.

const OK_LOGIN = 'You have been connected to the chat server!';
const LOCKED = 'This account has been locked for 60 seconds due to too many attempts. Please try later.';

for (const setup of wsSetups()) {
  describe(`TCP gateway (simple chatroom protocol): ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let port: number;
    let admin: User;
    const pool = socketPool();
    const tcpClients: ChatroomClient[] = [];
    /** A logged-in TCP client of a fresh user. */
    const tcpUser = async (): Promise<{ user: User; tcp: ChatroomClient }> => {
      const user = await signup(srv.url);
      const tcp = new ChatroomClient(port);
      tcpClients.push(tcp);
      const answer = await tcp.login(user.username, user.password);
      assert.equal(answer.command, 'OK', JSON.stringify(answer));
      return { user, tcp };
    };
    const directRoom = async (a: User, b: User): Promise<string> => (await a.api.post(`/direct/${b.id}`)).body.id;

    before(async () => {
      port = await freePort();
      srv = await setup.start({ config: { TCP_GATEWAY_PORT: port, TCP_GATEWAY_READ_TIMEOUT: 1 } });
      admin = await signup(srv.url); // the first account: a server admin
    });
    afterEach(async () => {
      pool.closeAll();
      for (const c of tcpClients.splice(0)) await c.close();
    });
    after(() => srv.stop());

    it("LOGIN: OK with the address and push port, or the seed's refusals; the third wrong password says the account is locked", async () => {
      const u = await signup(srv.url);
      const tcp = new ChatroomClient(port);
      tcpClients.push(tcp);
      const wrong = { command: 'WRONG_PASSWORD', response: { message: 'The input password is not correct.' } };
      assert.deepEqual(await tcp.login(u.username, 'not the password 1'), wrong);
      assert.deepEqual(await tcp.login(u.username, 'not the password 2'), wrong);
      assert.deepEqual(await tcp.login(u.username, 'not the password 3'), {
        command: 'WRONG_PASSWORD',
        response: { message: `The input password is not correct.\n${LOCKED}` },
      });
      assert.deepEqual(
        await tcp.login(u.username, u.password),
        { command: 'LOCKED', response: { message: LOCKED } },
        'the right password is refused while locked',
      );
      assert.deepEqual(await tcp.login('no such name!', 'whatever'), {
        command: 'USER_NOT_FOUND',
        response: { message: 'User "no such name!" is not found.' },
      });
      assert.deepEqual(
        await tcp.login('nobody_here_at_all', 'whatever pw'),
        wrong,
        'a well-formed unknown name is not told apart from a wrong password',
      );

      const fine = await signup(srv.url);
      const ok = await tcp.login(fine.username, fine.password);
      assert.equal(ok.command, 'OK');
      assert.equal(ok.response.ip, '127.0.0.1');
      assert.ok(ok.response.port >= 10000 && ok.response.port <= 50000, String(ok.response.port));
      assert.equal(ok.response.message, OK_LOGIN);
      assert.deepEqual(ok.response.offline_messages, []);
      const sessions = await fine.api.get('/auth/sessions');
      assert.ok(
        sessions.body.sessions.some((s: { client: string | null }) => s.client === 'tcp-gateway'),
        'a Rooms session of its own',
      );
    });

    it('a TCP client and a /ws client exchange direct messages both ways', async () => {
      const { user: alice, tcp } = await tcpUser();
      const bob = await signup(srv.url);
      const ws = await pool.connect(srv, bob);
      const sent = await tcp.send([bob.username], 'hello from tcp');
      assert.deepEqual(sent, { command: 'OK', message: `To ${bob.username}: You message has been sent!\n` });
      const frame = await ws.next((f) => f.type === 'message_created' && f.data.message.content === 'hello from tcp');
      assert.equal(frame.data.message.sender.id, alice.id);
      const room = await bob.api.get(`/rooms/${frame.room_id}`);
      assert.equal(room.body.type, 'direct', 'a Rooms direct room');

      await ws.request('send_message', { room_id: frame.room_id, content: 'hi back from /ws — ünïcode ✓' });
      const push = await tcp.nextPush((p) => p.command === 'MESSAGE');
      assert.deepEqual(push, { command: 'MESSAGE', from: bob.username, message: 'hi back from /ws — ünïcode ✓' });
      // Shown on the TCP client's screen: read.
      for (let i = 0; i < 50; i++) {
        const mine = (await alice.api.get('/rooms')).body.items.find((r: { id: string }) => r.id === frame.room_id);
        if (mine.unread_count === 0) break;
        await sleep(100);
      }
      assert.equal((await alice.api.get('/rooms')).body.items.find((r: { id: string }) => r.id === frame.room_id).unread_count, 0);
    });

    it('a TCP client and an SDK client (packages/client) exchange direct messages both ways', async () => {
      const { user: alice, tcp } = await tcpUser();
      const bob = new RoomsClient({ baseUrl: srv.url });
      const b = await signup(srv.url);
      await bob.auth.login({ username: b.username, password: b.password });
      const { room } = await bob.rooms.openDirect(alice.id);
      const seen: string[] = [];
      const live = bob.live();
      live.on('event', (e) => {
        if (e.type === 'message_created' && e.room_id === room.id) seen.push(e.data.message.content);
      });
      live.start();
      try {
        await live.send(room.id, 'from the sdk');
        assert.deepEqual(await tcp.nextPush((p) => p.command === 'MESSAGE'), {
          command: 'MESSAGE',
          from: b.username,
          message: 'from the sdk',
        });
        assert.equal((await tcp.send([b.username], 'from tcp to the sdk')).message, `To ${b.username}: You message has been sent!\n`);
        for (let i = 0; i < 100 && !seen.includes('from tcp to the sdk'); i++) await sleep(50);
        assert.ok(seen.includes('from tcp to the sdk'), JSON.stringify(seen));
      } finally {
        live.stop();
      }
    });

    it('SEND: one line per recipient; offline users get it at their next TCP login (read then); unknown, self and blocked', async () => {
      const { user: alice, tcp } = await tcpUser();
      const carol = await signup(srv.url);
      const dan = await signup(srv.url);
      await dan.api.post(`/users/${alice.id}/block`);
      const answer = await tcp.send([carol.username, alice.username, 'ghost_user_x', dan.username], 'are you there?');
      assert.equal(
        answer.message,
        [
          `To ${carol.username}: ${carol.username} is not online. You message has been stored as an offline message.`,
          `To ${alice.username}: You cannot send message to yourself.`,
          'To ghost_user_x: User ghost_user_x is not found.',
          `To ${dan.username}: Sorry! You are in user ${dan.username}'s blacklist. You message cannot be sent.`,
          '',
        ].join('\n'),
      );
      // A message from the web UI while carol is away too.
      const web = await signup(srv.url);
      const room = await directRoom(web, carol);
      assert.equal((await web.api.post(`/rooms/${room}/messages`, { content: 'web says hi' })).status, 201);

      const c = new ChatroomClient(port);
      tcpClients.push(c);
      const login = await c.login(carol.username, carol.password);
      assert.deepEqual(
        login.response.offline_messages.sort((x: { sender: string }, y: { sender: string }) => x.sender.localeCompare(y.sender)),
        [
          { sender: alice.username, message: 'are you there?' },
          { sender: web.username, message: 'web says hi' },
        ].sort((x, y) => x.sender.localeCompare(y.sender)),
      );
      await c.close();
      const c2 = new ChatroomClient(port);
      tcpClients.push(c2);
      const again = await c2.login(carol.username, carol.password);
      assert.deepEqual(again.response.offline_messages, [], 'shown once: they were marked read');
    });

    it('a message the client could not take (its port closed) stays unread and is an offline message at its next login', async () => {
      const { user: alice, tcp } = await tcpUser();
      await tcp.close();
      const bob = await signup(srv.url);
      const room = await directRoom(bob, alice);
      assert.equal((await bob.api.post(`/rooms/${room}/messages`, { content: 'while your port was closed' })).status, 201);
      await sleep(500);
      const again = new ChatroomClient(port);
      tcpClients.push(again);
      const login = await again.login(alice.username, alice.password);
      assert.deepEqual(login.response.offline_messages, [{ sender: bob.username, message: 'while your port was closed' }]);
    });

    it("the message limits are the services': too long, blank", async () => {
      const { tcp } = await tcpUser();
      const bob = await signup(srv.url);
      const long = await tcp.send([bob.username], 'x'.repeat(10_001));
      assert.match(
        long.message,
        new RegExp(`^To ${bob.username}: You message has failed to be sent! (The|A) message .*at most 10000 characters`),
      );
      const blank = await tcp.send([bob.username], '   ');
      assert.match(blank.message, /failed to be sent/);
      assert.equal((await bob.api.get('/rooms')).body.items.length, 0, 'nothing was stored');
    });

    it('WHO, LAST and ACTIVE list usernames from presence; CHECK shows the public record, never a hash', async () => {
      const { user: alice, tcp } = await tcpUser();
      const who = await tcp.who();
      assert.equal(who.command, 'OK');
      assert.equal(who.from, alice.username);
      assert.ok(who.message.includes(alice.username), JSON.stringify(who));
      for (const r of [await tcp.last(5), await tcp.active(5)])
        assert.ok(r.command === 'OK' && r.message.includes(alice.username), JSON.stringify(r));
      const checked = await tcp.check(admin.username);
      assert.equal(checked.command, 'OK');
      const record = JSON.parse(checked.message);
      assert.equal(record.username, admin.username);
      assert.ok(!/password|hash|\$2[aby]\$/.test(checked.message), checked.message);
      assert.equal((await tcp.check('ghost_user_y')).message, 'User ghost_user_y is not found.');
      assert.equal(JSON.parse((await tcp.check('')).message).status, 'online', 'no target: yourself');
      const badLast = await tcp.last(61);
      assert.equal(badLast.command, 'PROTOCOL_ERROR');
    });

    it("BLACKLIST / WHITELIST are Rooms blocks, with the seed's lines", async () => {
      const { user: alice, tcp } = await tcpUser();
      const bob = await signup(srv.url);
      const added = await tcp.blacklist([bob.username, bob.username, alice.username, 'ghost_user_z']);
      assert.equal(
        added.message,
        `User ${bob.username} has been added in your blacklist.\nUser ${bob.username} is already in your blacklist.\nFor user ${alice.username}: You cannot blacklist yourself.\nUser ghost_user_z is not found.\n`,
      );
      assert.deepEqual(
        (await alice.api.get('/users/me/blocks')).body.items.map((u: { id: string }) => u.id),
        [bob.id],
      );
      assert.equal((await bob.api.post(`/direct/${alice.id}`)).status, 403, 'bob can no longer message alice');
      const removed = await tcp.blacklist([bob.username, bob.username], 'whitelist');
      assert.equal(
        removed.message,
        `User ${bob.username} has been removed from your blacklist.\nUser ${bob.username} is not in your blacklist.\n`,
      );
      assert.equal((await alice.api.get('/users/me/blocks')).body.items.length, 0);
    });

    it('BROADCAST is a Rooms broadcast: refused to a non-admin, pushed to the others online when an admin sends it', async () => {
      const { tcp: plain } = await tcpUser();
      assert.deepEqual(await plain.broadcast('hear me'), { command: 'FORBIDDEN', message: 'Only server admins may broadcast.' });
      const boss = new ChatroomClient(port);
      tcpClients.push(boss);
      assert.equal((await boss.login(admin.username, admin.password)).command, 'OK');
      const webUser = await signup(srv.url);
      const ws = await pool.connect(srv, webUser);
      assert.deepEqual(await boss.broadcast('hello everyone'), { command: 'OK', message: 'You message has been broadcast!' });
      assert.deepEqual(await plain.nextPush((p) => p.command === 'MESSAGE'), {
        command: 'MESSAGE',
        from: admin.username,
        message: 'hello everyone',
      });
      assert.equal((await ws.next((f) => f.type === 'broadcast')).data.content, 'hello everyone');
      await sleep(300);
      assert.ok(!boss.pushes.some((p) => p.command === 'MESSAGE'), 'not to the sender');
    });

    it('others are told of a login and a logout; LOGOUT gets no answer and ends the Rooms session', async () => {
      const { tcp: watcher } = await tcpUser();
      const { user: comer, tcp } = await tcpUser();
      assert.deepEqual(await watcher.nextPush((p) => p.command === 'NOTIFICATION' && p.from === comer.username), {
        command: 'NOTIFICATION',
        from: comer.username,
        message: `${comer.username} has logged in.`,
      });
      assert.equal(await tcp.logout(), undefined);
      assert.deepEqual(await watcher.nextPush((p) => p.command === 'NOTIFICATION' && p.from === comer.username, 15_000), {
        command: 'NOTIFICATION',
        from: comer.username,
        message: `${comer.username} has logged out.`,
      });
      assert.equal((await tcp.who()).command, 'NOT_LOGGED_IN', 'logged out');
      const sessions = await comer.api.get('/auth/sessions');
      assert.ok(!sessions.body.sessions.some((s: { client: string | null }) => s.client === 'tcp-gateway'), 'its Rooms session ended');
    });

    it('requests are taken only from the address that logged in as that user', async () => {
      const { user: alice, tcp } = await tcpUser();
      const body = `{"data": {}, "instruction": "WHO", "from": "${alice.username}"}`;
      const net = await import('node:net');
      const answer = await new Promise<string>((resolve, reject) => {
        const s = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' }, () => s.end(`${body.length}\n${body}`));
        let out = '';
        s.on('data', (d) => (out += d.toString()));
        s.on('end', () => resolve(out));
        s.on('error', reject);
      });
      assert.match(answer, /"command":"NOT_LOGGED_IN"/);
      const stranger = await signup(srv.url);
      assert.equal(
        (await tcp.request('SEND', { message_to: [alice.username], message: 'spoofed' }, stranger.username)).command,
        'NOT_LOGGED_IN',
        'a user not logged in',
      );
      assert.equal((await tcp.who()).command, 'OK', 'the real client still is');
    });

    it('a second login replaces the first, which is told who took over', async () => {
      const { user: alice, tcp: first } = await tcpUser();
      const second = new ChatroomClient(port);
      tcpClients.push(second);
      assert.equal((await second.login(alice.username, alice.password)).command, 'OK');
      assert.deepEqual(await first.nextPush((p) => p.command === 'LOGOUT'), {
        command: 'LOGOUT',
        message: `${alice.username} has connected from address: 127.0.0.1. You will be disconnected.`,
      });
      const bob = await signup(srv.url);
      const room = await directRoom(bob, alice);
      await bob.api.post(`/rooms/${room}/messages`, { content: 'to the new one' });
      assert.equal((await second.nextPush((p) => p.command === 'MESSAGE')).message, 'to the new one');
      await sleep(300);
      assert.ok(!first.pushes.some((p) => p.command === 'MESSAGE'), 'the old client gets nothing more');
    });

    it('malformed input gets a protocol error and never a crash (fuzz); a huge length is refused before its body; a slow sender is cut off', async () => {
      const refused = (r: { command: string; message: string }) =>
        typeof r.command === 'string' && r.command !== 'OK' && typeof r.message === 'string';
      const cases: (string | Buffer)[][] = [
        ['abc\n{}'],
        ['\n{}'],
        ['99999999999999999999\n'],
        ['12\nnot json!!!!'],
        ['2\n[]'],
        ['4\nnull'],
        ['2\n{}'],
        ['40\n{"from": 1, "instruction": "WHO", "data": 3}'.slice(0, 43)],
        [`${'{"from": "x", "instruction": "NOPE", "data": {}}'.length}\n{"from": "x", "instruction": "NOPE", "data": {}}`],
        [`${'{"from": "x", "instruction": "LOGIN", "data": {}}'.length}\n{"from": "x", "instruction": "LOGIN", "data": {}}`],
        [
          `${'{"from": "x", "instruction": "SEND", "data": {"message_to": "bob"}}'.length}\n{"from": "x", "instruction": "SEND", "data": {"message_to": "bob"}}`,
        ],
        [Buffer.from([0x33, 0x0a, 0xff, 0xfe, 0xfd])],
      ];
      let seed = 42;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 60; i++) {
        const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)));
        const n = Math.floor(rand() * 3);
        // Random bodies behind a right length, and random bytes where the length should be.
        cases.push(
          n === 0
            ? [Buffer.concat([Buffer.from(`${bytes.length}\n`), bytes])]
            : n === 1
              ? [bytes, '\n']
              : [`${bytes.length}\n`, bytes.subarray(0, 1), bytes.subarray(1)],
        );
      }
      for (const c of cases) {
        const answer = await rawExchange(port, c, { timeoutMs: 5000 });
        assert.ok(refused(answer), `${JSON.stringify(c.map(String))} → ${JSON.stringify(answer)}`);
      }
      const started = Date.now();
      const huge = await rawExchange(port, ['1000000000\n']);
      assert.equal(huge.command, 'PROTOCOL_ERROR');
      assert.ok(Date.now() - started < 900, 'refused at once, before the read timeout');
      const slow = await rawExchange(port, ['30\n{"from"'], { timeoutMs: 5000 });
      assert.equal(slow.command, 'TIMEOUT');
      // A byte now and then does not keep a request open past the read timeout (1 s here).
      const net = await import('node:net');
      const trickled = await new Promise<{ text: string; ms: number }>((resolve) => {
        const t0 = Date.now();
        const s = net.connect({ port, host: '127.0.0.1' }, () => s.write('100\n'));
        const drip = setInterval(() => s.writable && s.write('a'), 150);
        let text = '';
        s.on('data', (d) => (text += d.toString()));
        s.on('close', () => (clearInterval(drip), resolve({ text, ms: Date.now() - t0 })));
        // A write racing the server's close may be reset: what was read is what counts.
        s.on('error', () => clearInterval(drip));
      });
      assert.match(trickled.text, /"command":"TIMEOUT"/);
      assert.ok(trickled.ms < 3000, `cut off after ${trickled.ms} ms`);
      // Still serving.
      const fine = await signup(srv.url);
      const c = new ChatroomClient(port);
      tcpClients.push(c);
      assert.equal((await c.login(fine.username, fine.password)).command, 'OK');
      assert.equal((await client(srv.url).get('/healthz')).status, 200);
    });
  });
}

describe('the test client writes what Client.py writes', () => {
  it("request bodies are byte for byte those of Python 2.7.18's json.dumps (captured from it)", () => {
    const expected: [string, Record<string, unknown>, string][] = [
      ['LOGIN', { password: 'pw' }, '{"data": {"password": "pw"}, "instruction": "LOGIN", "from": "alice"}'],
      ['WHO', {}, '{"data": {}, "instruction": "WHO", "from": "alice"}'],
      ['LAST', { number: 5 }, '{"data": {"number": 5}, "instruction": "LAST", "from": "alice"}'],
      ['CHECK', { target: 'x' }, '{"data": {"target": "x"}, "instruction": "CHECK", "from": "alice"}'],
      ['BLACKLIST', { targets: ['x'] }, '{"data": {"targets": ["x"]}, "instruction": "BLACKLIST", "from": "alice"}'],
      [
        'SEND',
        { message_to: ['bob', 'carol'], message: 'q"b\\n\n\t\u007f\u00e9\u{1f600}' },
        '{"data": {"message_to": ["bob", "carol"], "message": "q\\"b\\\\n\\n\\t\\u007f\\u00e9\\ud83d\\ude00"}, "instruction": "SEND", "from": "alice"}',
      ],
    ];
    for (const [instruction, data, python] of expected) assert.equal(requestBody('alice', instruction, data), python);
  });
});
