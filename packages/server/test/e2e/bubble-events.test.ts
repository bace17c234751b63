/* eslint-disable @typescript-eslint/no-explicit-any -- bubble's payloads are untyped JSON. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BubbleClient, bubbleConfig, CLIENT_KINDS } from '../helpers/bubble.ts';
import { backends } from '../helpers/services.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// The bubble app's events (GATEWAYS.md §1) with its own client (socket.io-client 1.x, engine.io 3)
// and with 4.x, over websocket and polling, on both databases.
for (const backend of backends()) {
  describe(`bubble gateway events (${backend.name})`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    const clients: BubbleClient[] = [];
    const connect = async (kind: (typeof CLIENT_KINDS)[number] = 'v1-websocket', token?: string) => {
      const c = await BubbleClient.connect(srv.url, kind, token);
      clients.push(c);
      return c;
    };

    before(async () => {
      srv = await startServer(backend, { config: bubbleConfig(backend) });
    });
    after(async () => {
      for (const c of clients) c.close();
      await srv.stop();
    });

    for (const kind of CLIENT_KINDS) {
      it(`${kind}: create, join (with participants, twice), message both ways, stop_typing and typing, exit`, async () => {
        const a = await connect(kind);
        const b = await connect(kind);
        const room = await a.request('create_room', { roomName: `room ${kind}`, userLimit: '3', categories: ['Funny'] });
        assert.equal(room.numUsers, 1, JSON.stringify(room));
        assert.equal(room.roomType, 'PUBLIC');
        assert.equal(room.userLimit, 3);
        assert.equal(room.createdBy, a.id);
        assert.deepEqual(room.categories, ['Funny']);
        const roomId = room.roomId;

        const othersSee = a.next('join_room', (d) => d.userId === b.id);
        const joined = await b.request('join_room', { roomId });
        assert.equal(joined.numUsers, 2);
        assert.equal(joined.userId, b.id);
        assert.ok(joined.participants.includes(a.id) && joined.participants.includes(b.id));
        assert.equal((await othersSee).roomId, roomId);
        const again = await b.request('join_room', { roomId });
        assert.equal(again.numUsers, 2, 'a second join changes nothing');
        assert.ok(again.participants.includes(a.id), 'a second join still carries participants');

        const toA = a.next('add_message', (d) => d.content === 'hi from b');
        const mine = await b.request('add_message', { roomId, message: 'hi from b' });
        assert.equal(mine.sentByMe, true);
        const seen = await toA;
        assert.equal(seen.sentByMe, false);
        assert.equal(seen.userId, b.id);
        assert.equal(seen.roomRoomId, roomId);
        assert.equal(seen.roomName, `room ${kind}`);
        assert.equal(seen.messageType, 'MESSAGE');

        // bubble relayed every stop_typing, typing before it or not (the original suite's test).
        const stopped = a.next('stop_typing', (d) => d.userId === b.id);
        b.emit('stop_typing', { roomId });
        assert.equal((await stopped).roomId, roomId);
        const typing = a.next('typing', (d) => d.userId === b.id);
        b.emit('typing', { roomId });
        assert.equal((await typing).roomId, roomId);

        const react = a.next('add_reaction');
        b.emit('add_reaction', { roomId, reaction: 'THANK', targetUser: a.id });
        const r = await react;
        assert.equal(r.messageType, 'REACTION');
        assert.equal(r.targetUser, a.id);
        assert.equal(r.userId, b.id);

        const view = await a.request('view_room', { roomId });
        assert.equal(view.messages.length, 2);
        assert.ok(view.messages[0].createdAt > view.messages[1].createdAt, 'newest first');

        const exitSeen = a.next('exit_room', (d) => d.userId === b.id);
        const iExit = await b.request('exit_room', { roomId }, 'i_exit');
        assert.equal(iExit.roomId, roomId);
        await exitSeen;
        assert.equal((await a.request('view_room', { roomId })).numUsers, 1);
        assert.deepEqual((await b.request('exit_room', { roomId })).error.code, 'user_not_in_room');
      });
    }

    it('the same token is the same identity; disconnect leaves the rooms (numUsers drops, exit_room to the others)', async () => {
      const token = randomUUID();
      const a1 = await connect('v1-websocket', token);
      const id1 = a1.received.find((r) => r.event === 'my_id')!.data;
      const a2 = await connect('v4-polling', token);
      assert.equal(a2.received.find((r) => r.event === 'my_id')!.data, id1);
      const other = await connect();
      assert.notEqual(other.received.find((r) => r.event === 'my_id')!.data, id1);

      const room = await other.request('create_room', { roomName: 'disconnects' });
      await a1.request('join_room', { roomId: room.roomId });
      assert.deepEqual(await a2.request('my_rooms'), [room.roomId]);
      const exit = other.next('exit_room', (d) => d.bubbleId === id1);
      a1.close();
      a2.close();
      const e = await exit;
      assert.equal(e.roomId, room.roomId);
      assert.equal((await other.request('view_room', { roomId: room.roomId })).numUsers, 1);
    });

    it("errors in bubble's order, to the sender only", async () => {
      const a = await connect();
      const b = await connect('v4-websocket');
      const err = async (event: string, data: unknown) => (await a.request(event, data, `never-${event}`)).error;
      assert.equal((await err('join_room', {})).code, 'no_room_id');
      assert.equal((await err('join_room', { roomId: 'invalidroomid' })).code, 'invalid_room_id');
      const missing = randomUUID();
      assert.deepEqual(await err('add_message', { roomId: missing }), {
        code: 'room_id_not_found',
        message: `Room ${missing} cannot be found.`,
      });
      assert.equal((await err('create_room', {})).code, 'no_room_name');
      assert.equal((await err('create_room', { roomName: 'x', userLimit: 1 })).message, 'User limit must be between 2 and 100, got 1.');
      assert.equal((await err('create_room', { roomName: 'x', userLimit: 'abc' })).code, 'invalid_user_limit');
      assert.equal((await err('create_room', { roomName: 'x', categories: ['Nope'] })).code, 'invalid_categories');
      assert.equal((await err('create_room', { roomName: 'x', categories: 'Funny' })).code, 'invalid_categories');
      const room = await b.request('create_room', { roomName: 'full', userLimit: 2 });
      assert.equal((await err('add_message', { roomId: room.roomId })).code, 'no_message');
      assert.equal((await err('add_message', { roomId: room.roomId, message: 'x'.repeat(3001) })).code, 'invalid_message');
      assert.equal((await err('add_message', { roomId: room.roomId, message: 42 })).code, 'invalid_message');
      assert.equal((await err('add_message', { roomId: room.roomId, message: 'hi' })).code, 'user_not_in_room');
      assert.equal((await err('typing', { roomId: room.roomId })).code, 'user_not_in_room');
      assert.equal((await err('add_reaction', { roomId: room.roomId, reaction: 'THANK' })).code, 'user_not_in_room');
      assert.equal((await err('set_user_name', {})).code, 'no_name');
      assert.equal((await err('set_user_name', { newName: 7 })).code, 'invalid_new_name');
      assert.equal((await err('register_push', {})).code, 'invalid_push_token');
      assert.equal((await err('find_counsellor', {})).code, 'counsellor_unavailable');
      await a.request('join_room', { roomId: room.roomId });
      assert.equal((await err('add_reaction', { roomId: room.roomId })).code, 'no_reaction');
      assert.equal((await err('add_reaction', { roomId: room.roomId, reaction: 'THANK' })).code, 'no_target_user');
      assert.equal((await err('report_user', { roomId: room.roomId })).code, 'no_user_to_report');
      const c = await connect();
      assert.deepEqual((await c.request('join_room', { roomId: room.roomId })).error, {
        code: 'room_full',
        message: `Room ${room.roomId} is at user limit of 2.`,
      });
      assert.equal(b.received.filter((r) => r.event === 'bubble_error').length, 0, 'errors go to the sender only');
    });

    it('set_user_name reaches the others; report_user files a report and tells the room', async () => {
      const a = await connect();
      const b = await connect();
      const room = await a.request('create_room', { roomName: 'names' });
      await b.request('join_room', { roomId: room.roomId });
      const named = a.next('set_user_name');
      b.emit('set_user_name', { newName: 'Bee' });
      assert.equal((await named).newName, 'Bee');
      assert.equal((await named).userId, b.id);
      const told = b.next('report_user');
      const c2 = await connect();
      c2.emit('noop');
      a.emit('report_user', { roomId: room.roomId, userToReport: b.id, reason: 'no reason' });
      const r = await told;
      assert.deepEqual(r, { roomId: room.roomId, reportedUserId: b.id, reason: 'no reason' });
    });

    it('messages of a room have strictly increasing createdAt, however fast they come', async () => {
      const a = await connect();
      const b = await connect('v4-websocket');
      const room = await a.request('create_room', { roomName: 'burst' });
      await b.request('join_room', { roomId: room.roomId });
      const all = a.next('add_message', (d) => d.content === 'b 19', 10_000);
      for (let i = 0; i < 20; i++) {
        a.emit('add_message', { roomId: room.roomId, message: `a ${i}` });
        b.emit('add_message', { roomId: room.roomId, message: `b ${i}` });
      }
      await all;
      const view = await a.request('view_room', { roomId: room.roomId });
      assert.equal(view.messages.length, 40);
      for (let i = 1; i < view.messages.length; i++)
        assert.ok(
          view.messages[i - 1].createdAt > view.messages[i].createdAt,
          `${view.messages[i - 1].createdAt} > ${view.messages[i].createdAt}`,
        );
      const live = a.received.filter((r) => r.event === 'add_message' && r.data.roomRoomId === room.roomId).map((r) => r.data.createdAt);
      for (let i = 1; i < live.length; i++) assert.ok(live[i - 1] < live[i], 'live in order too');
    });

    it("counsellors: counsellor_online (an admin's counsellor), find_counsellor to both, messages between them, list_issues", async () => {
      const user = await connect();
      assert.equal((await user.request('find_counsellor', {}, 'never')).error.code, 'counsellor_unavailable');
      const counsellor = await connect('v4-websocket');
      assert.equal(
        (await counsellor.request('counsellor_online', { counsellorId: 'c1', counsellorName: 'Carol' }, 'never')).error.code,
        'not_a_counsellor',
      );
      const counsellorId = counsellor.received.find((r) => r.event === 'my_id')!.data;
      await srv.app.services.counsellors.setFlag(null, counsellorId, true);
      assert.deepEqual(await counsellor.request('counsellor_online', { counsellorId: 'c1', counsellorName: 'Carol' }), {});
      const told = counsellor.next('find_counsellor');
      const match = await user.request('find_counsellor');
      assert.equal(match.counsellorId, counsellorId);
      assert.equal(match.roomType, 'PRIVATE');
      assert.equal(match.userLimit, 2);
      const other = await told;
      assert.equal(other.roomId, match.roomId);
      assert.equal(other.userId, user.id);
      const got = counsellor.next('add_message', (d) => d.content === 'I need help');
      user.emit('add_message', { roomId: match.roomId, message: 'I need help' });
      assert.equal((await got).userId, user.id);
      const issues = await counsellor.request('list_issues', { counsellorId });
      const kinds = issues.map((i: any) => i.issueType);
      assert.equal(kinds.filter((k: string) => k === 'USER_REQUESTED').length, 1, 'its match');
      assert.ok(kinds.includes('USER_MISSED'), 'and the missed requests');
    });

    it('list_rooms: open, active, public rooms, HOT first, then by last activity', async () => {
      const a = await connect();
      const r1 = await a.request('create_room', { roomName: 'list one' });
      const r2 = await a.request('create_room', { roomName: 'list two' });
      await a.request('add_message', { roomId: r1.roomId, message: 'bump' }, 'add_message');
      const list = await a.request('list_rooms');
      const ids = list.map((r: any) => r.roomId);
      assert.ok(ids.indexOf(r2.roomId) < ids.indexOf(r1.roomId), 'least recently active first');
      const one = list.find((r: any) => r.roomId === r1.roomId);
      assert.equal(one.messages.length, 1);
      for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].lastActive <= list[i].lastActive || list[i - 1].roomType === 'HOT');
    });
  });
}
