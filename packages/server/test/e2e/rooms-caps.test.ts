import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signup, startServer, type Answer, type Client, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

// Small caps so that a case reaches them in a few requests; the rules are the same at the defaults.
const CAPS = { MAX_OWNED_ROOMS: 3, MAX_JOINED_ROOMS: 5, MAX_ROOM_INVITES: 3 };

const name = () => `caps ${randomUUID().slice(0, 8)}`;

async function createRoom(api: Client, type: 'public' | 'private' = 'public'): Promise<string> {
  const res = await api.post('/rooms', { name: name(), type });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

function assertLimit(res: Answer, limit: number, resource: string): void {
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'limit_reached');
  assert.deepEqual(res.body.error.details, { limit, resource });
  assert.match(res.body.error.message, new RegExp(String(limit)));
}

const roomCount = async (api: Client): Promise<number> => (await api.get('/rooms?limit=200')).body.items.length;

for (const backend of backends()) {
  describe(`per-user caps on rooms and invites: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(backend, { config: CAPS });
    });
    after(() => srv.stop());

    it('MAX_OWNED_ROOMS: the 3rd room is created, the 4th is 403 limit_reached and creates nothing; direct rooms do not count; deleting one frees a place', async () => {
      const u = await signup(srv.url);
      const peer = await signup(srv.url);
      assert.equal((await u.api.post(`/direct/${peer.id}`)).status, 201);
      const ids = [await createRoom(u.api), await createRoom(u.api, 'private'), await createRoom(u.api)];
      const refused = await u.api.post('/rooms', { name: name() });
      assertLimit(refused, 3, 'owned_rooms');
      assert.match(refused.body.error.message, /You own 3 rooms/);
      assert.equal(await roomCount(u.api), 4, 'three rooms and the direct one, nothing more');
      assert.equal((await u.api.delete(`/rooms/${ids[0]}`)).status, 204);
      await createRoom(u.api);
    });

    it('MAX_OWNED_ROOMS: ownership cannot be handed to a member who already owns the most', async () => {
      const owner = await signup(srv.url);
      const full = await signup(srv.url);
      const room = await createRoom(owner.api);
      assert.equal((await full.api.post(`/rooms/${room}/join`)).status, 200);
      for (let i = 0; i < 2; i++) await createRoom(full.api);
      // At 2 of 3 the handover works; at 3 it is refused and nothing changes.
      const other = await createRoom(owner.api);
      assert.equal((await full.api.post(`/rooms/${other}/join`)).status, 200);
      assert.equal((await owner.api.post(`/rooms/${other}/transfer`, { user_id: full.id })).status, 200);
      const refused = await owner.api.post(`/rooms/${room}/transfer`, { user_id: full.id });
      assertLimit(refused, 3, 'owned_rooms');
      assert.match(refused.body.error.message, /That member owns 3 rooms/);
      const roles = (await owner.api.get(`/rooms/${room}/members`)).body.items.map((m: { user: { id: string }; role: string }) => [
        m.user.id,
        m.role,
      ]);
      assert.deepEqual(new Map(roles).get(owner.id), 'owner');
      assert.deepEqual(new Map(roles).get(full.id), 'member');
    });

    it('MAX_JOINED_ROOMS counts every membership: at 5, joining, accepting an invite, being added, a new direct room and creating are refused', async () => {
      const host = await signup(srv.url);
      const u = await signup(srv.url);
      const peer = await signup(srv.url);
      // 5 memberships of every kind: created, joined, invited, added, direct.
      await createRoom(u.api);
      assert.equal((await u.api.post(`/rooms/${await createRoom(host.api)}/join`)).status, 200);
      const invited = await createRoom(host.api, 'private');
      const code = (await host.api.post(`/rooms/${invited}/invites`, {})).body.code;
      assert.equal((await u.api.post(`/invites/${code}/accept`)).status, 201);
      assert.equal((await host.api.post(`/rooms/${await createRoom(host.api, 'private')}/members`, { user_id: u.id })).status, 201);
      assert.equal((await u.api.post(`/direct/${host.id}`)).status, 201);
      assert.equal(await roomCount(u.api), 5);

      assertLimit(await u.api.post(`/rooms/${await createRoom(peer.api)}/join`), 5, 'joined_rooms');
      const closed = await createRoom(peer.api, 'private');
      const code2 = (await peer.api.post(`/rooms/${closed}/invites`, {})).body.code;
      const accept = await u.api.post(`/invites/${code2}/accept`);
      assertLimit(accept, 5, 'joined_rooms');
      assert.match(accept.body.error.message, /You are in 5 rooms/);
      assert.equal((await peer.api.get(`/invites/${code2}`)).status, 200, 'a refused accept does not use the invite up');
      const added = await peer.api.post(`/rooms/${closed}/members`, { user_id: u.id });
      assertLimit(added, 5, 'joined_rooms');
      assert.match(added.body.error.message, /That user is in 5 rooms/);
      assertLimit(await u.api.post(`/direct/${peer.id}`), 5, 'joined_rooms');
      assertLimit(await peer.api.post(`/direct/${u.id}`), 5, 'joined_rooms');
      assertLimit(await u.api.post('/rooms', { name: name() }), 5, 'joined_rooms');
      assert.equal(await roomCount(u.api), 5, 'nothing was joined');
      assert.equal((await u.api.post(`/direct/${host.id}`)).status, 200, 'the direct room they already have still opens');
      // Leaving one frees a place.
      assert.equal((await u.api.post(`/rooms/${invited}/leave`)).status, 204);
      assert.equal((await u.api.post(`/invites/${code2}/accept`)).status, 201);
    });

    it('a burst of 20 parallel creates by one user makes exactly MAX_OWNED_ROOMS rooms', async () => {
      const u = await signup(srv.url);
      const answers = await Promise.all(Array.from({ length: 20 }, () => u.api.post('/rooms', { name: name() })));
      assert.equal(answers.filter((a) => a.status === 201).length, 3);
      for (const a of answers.filter((x) => x.status !== 201)) assertLimit(a, 3, 'owned_rooms');
      assert.equal(await roomCount(u.api), 3);
    });

    it('a burst of 20 parallel joins by one user stops at MAX_JOINED_ROOMS', async () => {
      const host = await signup(srv.url);
      const hosts = [
        host,
        await signup(srv.url),
        await signup(srv.url),
        await signup(srv.url),
        await signup(srv.url),
        await signup(srv.url),
        await signup(srv.url),
      ];
      const rooms: string[] = [];
      for (const h of hosts) for (let i = 0; i < 3; i++) rooms.push(await createRoom(h.api));
      const u = await signup(srv.url);
      const answers = await Promise.all(rooms.slice(0, 20).map((id) => u.api.post(`/rooms/${id}/join`)));
      assert.equal(answers.filter((a) => a.status === 200).length, 5);
      assert.equal(await roomCount(u.api), 5);
    });

    it('MAX_ROOM_INVITES counts usable invites only: at 3 the next is refused; a used-up or revoked one frees a place; a parallel burst stops at 3', async () => {
      const owner = await signup(srv.url);
      const guest = await signup(srv.url);
      const room = await createRoom(owner.api, 'private');
      const codes: string[] = [];
      for (let i = 0; i < 3; i++) codes.push((await owner.api.post(`/rooms/${room}/invites`, {})).body.code);
      const refused = await owner.api.post(`/rooms/${room}/invites`, { max_uses: null });
      assertLimit(refused, 3, 'room_invites');
      assert.match(refused.body.error.message, /usable invites/);
      assert.equal((await guest.api.post(`/invites/${codes[0]}/accept`)).status, 201, 'single use: now used up');
      assert.equal((await owner.api.post(`/rooms/${room}/invites`, {})).status, 201);
      assertLimit(await owner.api.post(`/rooms/${room}/invites`, {}), 3, 'room_invites');
      assert.equal((await owner.api.delete(`/invites/${codes[1]}`)).status, 204);
      assert.equal((await owner.api.post(`/rooms/${room}/invites`, {})).status, 201);

      const other = await createRoom(owner.api, 'private');
      const burst = await Promise.all(Array.from({ length: 15 }, () => owner.api.post(`/rooms/${other}/invites`, {})));
      assert.equal(burst.filter((a) => a.status === 201).length, 3);
      for (const a of burst.filter((x) => x.status !== 201)) assertLimit(a, 3, 'room_invites');
    });
  });
}
