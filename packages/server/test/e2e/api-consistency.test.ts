/* eslint-disable @typescript-eslint/no-explicit-any -- REST answers are untyped JSON on purpose: tests assert on their shape. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertRefused } from '../helpers/assertions.ts';
import { signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

const [sqlite] = backends();

describe('one consistent API: methods, empty bodies, messages, users by name', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer(sqlite!);
  });
  after(() => srv.stop());

  it('a wrong method on an existing path is 405 with Allow; an unknown path stays 404', async () => {
    const u = await signup(srv.url);
    const room = (await u.api.post('/rooms', { name: 'methods' })).body;
    for (const [method, path, allow] of [
      ['DELETE', '/rooms', 'GET, HEAD, POST'],
      ['PATCH', `/rooms/${room.id}`, 'DELETE, GET, HEAD, PUT'],
      ['GET', '/auth/login', 'POST'],
      ['PUT', `/rooms/${room.id}/messages`, 'GET, HEAD, POST'],
    ] as const) {
      const res = await fetch(srv.url + path, { method, headers: { authorization: `Bearer ${u.token}` } });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get('allow'), allow, `${method} ${path}`);
      assert.equal(((await res.json()) as any).error.code, 'method_not_allowed');
    }
    const missing = await u.api.get('/rooms/nothing/here/at/all');
    assert.equal(missing.status, 404);
    assert.equal((await u.api.delete('/no-such-api')).status, 404);
  });

  it('a POST whose body is all optional takes no body, or an empty JSON body, as {}', async () => {
    const u = await signup(srv.url);
    const room = (await u.api.post('/rooms', { name: 'empty bodies' })).body;
    const bare = await fetch(`${srv.url}/rooms/${room.id}/invites`, { method: 'POST', headers: { authorization: `Bearer ${u.token}` } });
    assert.equal(bare.status, 201, await bare.clone().text());
    assert.equal(((await bare.json()) as any).max_uses, 1, 'the defaults');
    const empty = await fetch(`${srv.url}/rooms/${room.id}/invites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
    });
    assert.equal(empty.status, 201, await empty.clone().text());
    // A required field is named, not "the body".
    const noName = await fetch(`${srv.url}/rooms`, { method: 'POST', headers: { authorization: `Bearer ${u.token}` } });
    const body = (await noName.json()) as any;
    assert.equal(noName.status, 400);
    assert.deepEqual(body.error.details, [{ field: 'body.name', message: 'is required' }]);
  });

  it('validation messages say what the field needs, never what the parser received', async () => {
    const u = await signup(srv.url);
    const cases: [Promise<any>, string, string][] = [
      [u.api.post('/rooms', {}), 'body.name', 'is required'],
      [u.api.post('/rooms', { name: 42 }), 'body.name', 'must be text'],
      [u.api.post('/rooms', { name: 'x', type: 'secret' }), 'body.type', 'must be one of: public, private'],
      [u.api.get('/rooms?limit=ten'), 'querystring.limit', 'must be a number'],
      [u.api.get('/rooms?limit=0'), 'querystring.limit', 'must be at least 1'],
      [u.api.get('/users/not-an-id'), 'params.id', 'must be an id (a UUID)'],
      [u.api.post('/rooms', { name: 'x', member_limit: 2.5 }), 'body.member_limit', 'must be a whole number'],
    ];
    for (const [call, field, message] of cases) {
      const res = await call;
      assert.equal(res.status, 400, JSON.stringify(res.body));
      const d = res.body.error.details.find((x: any) => x.field === field);
      assert.equal(d?.message, message, JSON.stringify(res.body));
      assert.doesNotMatch(res.body.error.message, /received|expected/i, res.body.error.message);
    }
  });

  it('users by username: GET /users/by-name, adding a member, a direct room, a block, a ban', async () => {
    const alice = await signup(srv.url);
    const bob = await signup(srv.url);
    const carol = await signup(srv.url);
    const byName = await alice.api.get(`/users/by-name/${bob.username.toUpperCase()}`);
    assert.equal(byName.status, 200, JSON.stringify(byName.body));
    assert.equal(byName.body.id, bob.id);
    assertRefused(await alice.api.get('/users/by-name/nobody_here'), 404, 'user_not_found');

    const room = (await alice.api.post('/rooms', { name: 'by name', type: 'private' })).body;
    const added = await alice.api.post(`/rooms/${room.id}/members`, { username: bob.username });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.user.id, bob.id);
    assert.equal((await alice.api.post(`/rooms/${room.id}/members`, { user_id: bob.id })).status, 200, 'user_id still works');
    assertRefused(
      await alice.api.post(`/rooms/${room.id}/members`, { user_id: bob.id, username: bob.username }),
      400,
      'validation_failed',
      'body.user_id',
    );
    assertRefused(await alice.api.post(`/rooms/${room.id}/members`, {}), 400, 'validation_failed', 'body.user_id');
    assertRefused(await alice.api.post(`/rooms/${room.id}/members`, { username: 'nobody_here' }), 404, 'user_not_found');

    const direct = await alice.api.post('/direct', { username: carol.username });
    assert.equal(direct.status, 201, JSON.stringify(direct.body));
    assert.equal(direct.body.peer.id, carol.id);
    assert.equal((await alice.api.post(`/direct/${carol.id}`)).body.id, direct.body.id, 'the same room by id');
    assert.equal((await alice.api.post('/direct', { user_id: carol.id })).status, 200);

    assert.equal((await alice.api.post('/users/me/blocks', { username: carol.username })).status, 204);
    assert.deepEqual(
      (await alice.api.get('/users/me/blocks')).body.items.map((x: any) => x.id),
      [carol.id],
    );
    assertRefused(await carol.api.post('/direct', { username: alice.username }), 403, 'blocked');

    assert.equal((await alice.api.post(`/rooms/${room.id}/bans`, { username: bob.username })).status, 204);
    assert.deepEqual(
      (await alice.api.get(`/rooms/${room.id}/bans`)).body.items.map((x: any) => x.user.id),
      [bob.id],
    );
  });
});
