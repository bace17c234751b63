import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { ERROR_STATUS, type ErrorCode } from '@rooms/protocol';
import { decide, ROOM_POLICY, type RoomAction } from '../../src/policies/room.policy.ts';
import type { Answer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import {
  ACTORS,
  type Actor,
  applies,
  ROOM_ACTORS,
  AUTH_FAILURES,
  type Fixture,
  isAuthFailure,
  ROOM_KINDS,
  type RoomKind,
  typeOf,
  World,
} from './authz-cast.ts';

/**
 * The authorization matrix: every room endpoint × every kind of caller × every kind of room. The
 * expected answer is not written here: it is computed from the policy table (decide() on the room
 * and membership rows as the store holds them), plus the few rules the services add on top, each
 * named in `refine`. A refused call must also leave the room exactly as it was.
 */

type Expected = { ok: true; statuses: readonly number[] } | { ok: false; status: number; code: ErrorCode };
interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
}
interface Ctx {
  actor: Actor;
  fx: Fixture;
  w: World;
  /** Whether the actor belonged to the room when the call was made. */
  member?: boolean;
}

interface Endpoint {
  route: string;
  action: RoomAction;
  /** 2xx answers of an allowed call. */
  ok: readonly number[];
  call(c: Ctx): Call;
  /** The target is a message: whoever may not read the room is told the message does not exist. */
  messageScoped?: boolean;
  /** The target is an attachment posted in the room: whoever may not read the room is told it does not exist. */
  attachmentScoped?: boolean;
  /** An allowed call changes the cast (who is in the room, and how): it runs on a fresh room. */
  destructive?: boolean | ((c: Ctx) => boolean);
  /** Needs an invite code, which only group rooms have. */
  groupsOnly?: boolean;
  /** A service rule on top of the policy table. */
  refine?(c: Ctx, e: Expected): Expected;
  /** What an allowed answer must (not) show. */
  check?(res: Answer, c: Ctx): void;
}

const refused = (code: ErrorCode): Expected => ({ ok: false, status: ERROR_STATUS[code], code });
const msg = (c: Ctx) => c.fx.targetMessageId;
const room = (c: Ctx, rest = '') => `/rooms/${c.fx.roomId}${rest}`;

const ENDPOINTS: readonly Endpoint[] = [
  {
    route: 'GET /rooms/:id',
    action: 'preview',
    ok: [200],
    call: (c) => ({ method: 'GET', path: room(c) }),
    check: (res, c) => {
      // Outsiders of a public room see its discovery fields only.
      if (!c.member)
        for (const key of ['membership', 'last_seq', 'created_by', 'unread_count'])
          assert.ok(!(key in res.body), `a non-member sees ${key}`);
      else assert.ok(res.body.membership, 'a member sees their membership');
    },
  },
  { route: 'GET /rooms/:id/messages', action: 'read', ok: [200], call: (c) => ({ method: 'GET', path: room(c, '/messages?limit=5') }) },
  {
    route: 'POST /rooms/:id/messages',
    action: 'send',
    ok: [201],
    call: (c) => ({ method: 'POST', path: room(c, '/messages'), body: { content: `from ${c.actor}` } }),
    // SPEC 2 and 8: nobody messages across a block in a direct room.
    refine: (c, e) => (e.ok && c.fx.blockedFromPeer.has(c.actor) ? refused('blocked') : e),
  },
  {
    route: 'GET /messages/:id',
    action: 'read',
    ok: [200],
    messageScoped: true,
    call: (c) => ({ method: 'GET', path: `/messages/${msg(c)}` }),
  },
  {
    route: 'PUT /messages/:id (own message)',
    action: 'send',
    ok: [200],
    messageScoped: true,
    call: (c) => ({ method: 'PUT', path: `/messages/${c.fx.own[c.actor] ?? msg(c)}`, body: { content: `edited by ${c.actor}` } }),
  },
  {
    route: "DELETE /messages/:id (someone else's)",
    action: 'moderate_messages',
    ok: [204],
    messageScoped: true,
    destructive: true,
    call: (c) => ({ method: 'DELETE', path: `/messages/${msg(c)}` }),
  },
  {
    route: 'POST /messages/:id/reactions',
    action: 'react',
    ok: [200, 201],
    messageScoped: true,
    call: (c) => ({ method: 'POST', path: `/messages/${msg(c)}/reactions`, body: { emoji: '👍🏽' } }),
  },
  {
    route: 'DELETE /messages/:id/reactions/:emoji',
    action: 'react',
    ok: [204],
    messageScoped: true,
    call: (c) => ({ method: 'DELETE', path: `/messages/${msg(c)}/reactions/${encodeURIComponent('👍🏽')}` }),
  },
  {
    route: 'GET /messages/:id/readers',
    action: 'read',
    ok: [200],
    messageScoped: true,
    call: (c) => ({ method: 'GET', path: `/messages/${msg(c)}/readers` }),
  },
  {
    route: 'POST /rooms/:id/read',
    action: 'read',
    ok: [200],
    call: (c) => ({ method: 'POST', path: room(c, '/read'), body: { message_id: msg(c) } }),
  },
  {
    route: 'PUT /rooms/:id/notifications',
    action: 'read',
    ok: [204],
    call: (c) => ({ method: 'PUT', path: room(c, '/notifications'), body: { level: 'mentions' } }),
  },
  // Hiding changes only the actor's own list, which no other endpoint here reads.
  { route: 'POST /rooms/:id/hide', action: 'hide', ok: [204], call: (c) => ({ method: 'POST', path: room(c, '/hide') }) },
  { route: 'DELETE /rooms/:id/hide', action: 'hide', ok: [204], call: (c) => ({ method: 'DELETE', path: room(c, '/hide') }) },
  { route: 'GET /rooms/:id/pins', action: 'read', ok: [200], call: (c) => ({ method: 'GET', path: room(c, '/pins') }) },
  {
    route: 'POST /messages/:id/pin',
    action: 'pin',
    ok: [204],
    messageScoped: true,
    call: (c) => ({ method: 'POST', path: `/messages/${msg(c)}/pin` }),
  },
  {
    route: 'DELETE /messages/:id/pin',
    action: 'pin',
    ok: [204],
    messageScoped: true,
    call: (c) => ({ method: 'DELETE', path: `/messages/${msg(c)}/pin` }),
  },
  { route: 'GET /rooms/:id/members', action: 'read', ok: [200], call: (c) => ({ method: 'GET', path: room(c, '/members') }) },
  {
    route: 'POST /rooms/:id/members',
    action: 'invite',
    ok: [200, 201],
    call: (c) => ({ method: 'POST', path: room(c, '/members'), body: { user_id: c.w.id('addee') } }),
  },
  {
    route: 'DELETE /rooms/:id/members/:userId',
    action: 'remove_member',
    ok: [204],
    destructive: true,
    call: (c) => ({ method: 'DELETE', path: room(c, `/members/${c.fx.victimId}`) }),
  },
  {
    route: 'PATCH /rooms/:id/members/:userId (mute)',
    action: 'mute',
    ok: [200],
    call: (c) => ({ method: 'PATCH', path: room(c, `/members/${c.fx.victimId}`), body: { muted: true } }),
  },
  {
    route: 'PATCH /rooms/:id/members/:userId/role',
    action: 'change_role',
    ok: [200],
    destructive: true,
    call: (c) => ({ method: 'PATCH', path: room(c, `/members/${c.fx.victimId}/role`), body: { role: 'admin' } }),
  },
  {
    route: 'POST /rooms/:id/transfer',
    action: 'transfer',
    ok: [200],
    destructive: true,
    call: (c) => ({ method: 'POST', path: room(c, '/transfer'), body: { user_id: c.fx.victimId } }),
  },
  {
    route: 'POST /rooms/:id/bans',
    action: 'ban',
    ok: [204],
    destructive: true,
    call: (c) => ({ method: 'POST', path: room(c, '/bans'), body: { user_id: c.fx.victimId, reason: 'matrix' } }),
  },
  { route: 'GET /rooms/:id/bans', action: 'ban', ok: [200], call: (c) => ({ method: 'GET', path: room(c, '/bans') }) },
  {
    route: 'DELETE /rooms/:id/bans/:userId',
    action: 'ban',
    ok: [204],
    destructive: true,
    call: (c) => ({ method: 'DELETE', path: room(c, `/bans/${c.fx.bannedId}`) }),
  },
  {
    route: 'POST /rooms/:id/invites',
    action: 'invite',
    ok: [201],
    call: (c) => ({ method: 'POST', path: room(c, '/invites'), body: { max_uses: 1 } }),
  },
  { route: 'GET /rooms/:id/invites', action: 'list_invites', ok: [200], call: (c) => ({ method: 'GET', path: room(c, '/invites') }) },
  {
    route: 'DELETE /invites/:code',
    action: 'invite',
    ok: [204],
    groupsOnly: true,
    call: (c) => ({ method: 'DELETE', path: `/invites/${c.fx.spareCode}` }),
  },
  {
    route: 'PUT /rooms/:id',
    action: 'update',
    ok: [200],
    call: (c) => ({ method: 'PUT', path: room(c), body: { description: `edited by ${c.actor}` } }),
  },
  {
    route: 'PUT /rooms/:id/flags',
    action: 'set_flags',
    ok: [200],
    call: (c) => ({ method: 'PUT', path: room(c, '/flags'), body: { featured: true } }),
  },
  {
    route: 'POST /rooms/:id/join',
    action: 'join',
    ok: [200],
    // Joining again changes nothing.
    destructive: (c) => !c.member,
    call: (c) => ({ method: 'POST', path: room(c, '/join') }),
    // A ban outlives the membership: a banned user cannot come back by joining.
    refine: (c, e) => (e.ok && c.actor === 'banned' ? refused('banned') : e),
  },
  {
    route: 'POST /rooms/:id/leave',
    action: 'leave',
    ok: [204],
    destructive: true,
    call: (c) => ({ method: 'POST', path: room(c, '/leave') }),
    // A room always has exactly one owner: an owner who is not the last member transfers first.
    refine: (c, e) => (e.ok && c.actor === 'owner' ? refused('owner_must_transfer') : e),
  },
  {
    route: 'GET /attachments/:id (posted in the room)',
    action: 'read',
    ok: [200],
    attachmentScoped: true,
    call: (c) => ({ method: 'GET', path: `/attachments/${c.fx.attachmentId}` }),
  },
  {
    route: 'GET /attachments/:id/thumbnail',
    action: 'read',
    ok: [200],
    attachmentScoped: true,
    call: (c) => ({ method: 'GET', path: `/attachments/${c.fx.attachmentId}/thumbnail` }),
  },
  {
    route: 'GET /attachments/:id/info',
    action: 'read',
    ok: [200],
    attachmentScoped: true,
    call: (c) => ({ method: 'GET', path: `/attachments/${c.fx.attachmentId}/info` }),
  },
  { route: 'DELETE /rooms/:id', action: 'delete', ok: [204], destructive: true, call: (c) => ({ method: 'DELETE', path: room(c) }) },
];

/** The answer the matrix expects, from the rows the store holds right now. */
async function expected(ep: Endpoint, c: Ctx): Promise<Expected> {
  if (isAuthFailure(c.actor)) return refused(AUTH_FAILURES[c.actor]);
  const userId = c.w.id(c.actor);
  const [roomRow, membership, user] = await Promise.all([
    c.w.store.rooms.findById(c.fx.roomId),
    c.w.store.members.get(c.fx.roomId, userId),
    c.w.store.users.findById(userId),
  ]);
  assert.ok(roomRow, 'the fixture room exists');
  c.member = membership !== undefined;
  const d = decide(ep.action, { room: roomRow, membership, isServerAdmin: user?.is_admin === true, now: c.w.clock.now() });
  let e: Expected = d.ok ? { ok: true, statuses: ep.ok } : refused(d.code);
  // A message in a room you may not read does not exist, for you.
  if (!e.ok && ep.messageScoped && (e.code === 'room_not_found' || e.code === 'not_a_member')) e = refused('message_not_found');
  // So is an attachment posted there (whatever the reason: 'read' refuses only outsiders).
  if (!e.ok && ep.attachmentScoped) e = refused('attachment_not_found');
  return ep.refine ? ep.refine(c, e) : e;
}

async function request(c: Ctx, call: Call): Promise<Answer> {
  const api = c.w.as(c.actor);
  switch (call.method) {
    case 'GET':
      return api.get(call.path);
    case 'POST':
      return api.post(call.path, call.body);
    case 'PUT':
      return api.put(call.path, call.body);
    case 'PATCH':
      return api.patch(call.path, call.body);
    case 'DELETE':
      return api.delete(call.path, call.body);
  }
}

/** What changed, briefly: the rows that went and came for a list, before → after otherwise. */
function difference(before: unknown, after: unknown): string {
  const j = (v: unknown) => JSON.stringify(v);
  if (!Array.isArray(before) || !Array.isArray(after)) return `${j(before)} → ${j(after)}`;
  const [b, a] = [new Set(before.map(j)), new Set(after.map(j))];
  return `gone ${[...b].filter((x) => !a.has(x)).join(', ') || '-'}; new ${[...a].filter((x) => !b.has(x)).join(', ') || '-'}`;
}

const describeExpected = (e: Expected) => (e.ok ? e.statuses.join('|') : `${e.status} ${e.code}`);

/** Runs one case; says whether it was allowed, and what went wrong, if anything. */
async function runCase(ep: Endpoint, kind: RoomKind, actor: Actor, w: World): Promise<{ allowed: boolean; problem?: string }> {
  let c: Ctx = { actor, fx: await w.sharedFor(kind, actor), w };
  let want = await expected(ep, c);
  if (want.ok && (typeof ep.destructive === 'function' ? ep.destructive(c) : ep.destructive)) {
    c = { actor, fx: await w.fresh(kind), w };
    want = await expected(ep, c);
  }
  return { allowed: want.ok, problem: await check(ep, c, want) };
}

async function check(ep: Endpoint, c: Ctx, want: Expected): Promise<string | undefined> {
  const w = c.w;
  const call = ep.call(c);
  const before = want.ok ? {} : (w.known.get(c.fx.roomId) ?? (await w.snapshot(c.fx)));
  const res = await request(c, call);
  // Forget the room's snapshot until a refused call has been checked against it again.
  w.known.delete(c.fx.roomId);
  const got = `${res.status} ${res.body?.error?.code ?? ''}`.trim();
  if (want.ok) {
    if (!want.statuses.includes(res.status)) return `expected ${describeExpected(want)}, got ${got}`;
    try {
      ep.check?.(res, c);
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  }
  if (res.status !== want.status || res.body?.error?.code !== want.code) return `expected ${describeExpected(want)}, got ${got}`;
  const after = await w.snapshot(c.fx);
  w.known.set(c.fx.roomId, after);
  const changed = Object.keys(before).filter((k) => !isDeepStrictEqual(before[k], after[k]));
  if (changed.length > 0)
    return `refused as expected, but the room changed: ${changed.map((k) => `${k}: ${difference(before[k], after[k])}`).join('; ')}`;
  return undefined;
}

/** One test per endpoint and room kind, its actors in turn: shared rooms, and a fresh room for each allowed call that changes the cast. */
for (const backend of backends()) {
  describe(`authorization matrix: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let w: World;
    let cases = 0;
    let allowed = 0;
    before(async () => {
      w = await World.create(backend);
    });
    after(() => w?.stop());

    it('every action of the policy table is exercised by some endpoint', () => {
      const used = new Set(ENDPOINTS.map((e) => e.action));
      assert.deepEqual(
        Object.keys(ROOM_POLICY).filter((a) => !used.has(a as RoomAction)),
        [],
      );
    });

    for (const kind of ROOM_KINDS) {
      describe(`${kind} room`, () => {
        for (const ep of ENDPOINTS) {
          if (ep.groupsOnly && typeOf(kind) === 'direct') continue;
          it(ep.route, async () => {
            const failures: string[] = [];
            for (const actor of ACTORS) {
              if (!applies(kind, actor)) continue;
              const r = await runCase(ep, kind, actor, w);
              cases++;
              if (r.allowed) allowed++;
              if (r.problem) failures.push(`  ${actor}: ${r.problem}`);
            }
            assert.equal(failures.length, 0, `${ep.route} in a ${kind} room:\n${failures.join('\n')}`);
          });
        }
      });
    }

    describe('beyond the table: codes, bans, blocks and tombstones', () => {
      it('an invite code is the only way in for the invited: preview, accept (in any case), read; a retry after its last use still answers 200', async () => {
        const fx = await w.fresh('private', true);
        const invited = w.as('invited');
        const preview = await invited.get(`/invites/${fx.inviteCode}`);
        assert.equal(preview.status, 200, JSON.stringify(preview.body));
        assert.equal(preview.body.room.id, fx.roomId);
        assert.equal((await invited.get(`/rooms/${fx.roomId}/messages`)).status, 404);
        assert.equal(
          (await invited.post(`/invites/${fx.inviteCode.toUpperCase()}/accept`)).status,
          201,
          'codes typed in capitals work too',
        );
        assert.equal((await invited.get(`/rooms/${fx.roomId}/messages`)).status, 200);
        assert.equal((await invited.post(`/invites/${fx.inviteCode}/accept`)).status, 200);
        assert.equal((await w.store.invites.find(fx.inviteCode))?.uses, 1);
      });

      it("a banned user's invite code lets nothing in and uses nothing", async () => {
        const fx = await w.fresh('private', true);
        const before = await w.snapshot(fx);
        const res = await w.as('banned').post(`/invites/${fx.spareCode}/accept`);
        assert.equal(res.status, 403, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'banned');
        assert.deepStrictEqual(await w.snapshot(fx), before);
      });

      it('an archived room takes nobody in by invite', async () => {
        const fx = await w.fresh('private, archived', true);
        const before = await w.snapshot(fx);
        const res = await w.as('invited').post(`/invites/${fx.inviteCode}/accept`);
        assert.equal(res.status, 403, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'room_archived');
        assert.deepStrictEqual(await w.snapshot(fx), before);
      });

      it("deleting someone else's message needs the rights even once it is a tombstone", async () => {
        const fx = await w.fresh('public', true);
        const path = `/messages/${fx.targetMessageId}`;
        assert.equal((await w.as('admin').delete(path)).status, 204);
        for (const [actor, status, code] of [
          ['member', 403, 'forbidden'],
          ['muted', 403, 'forbidden'],
          ['outsider', 404, 'message_not_found'],
        ] as const) {
          const before = await w.snapshot(fx);
          const res = await w.as(actor).delete(path);
          assert.deepEqual([res.status, res.body?.error?.code], [status, code], actor);
          assert.deepStrictEqual(await w.snapshot(fx), before);
        }
        assert.equal((await w.as('owner').delete(path)).status, 204, 'deleting a tombstone again is harmless for those who may');
        assert.equal((await w.as('victim').delete(path)).status, 204, 'and for its sender');
      });

      it('a block refuses the direct room in both directions, even one that exists', async () => {
        for (const [from, to] of [
          ['blocked', 'owner'],
          ['owner', 'blocked'],
        ] as const) {
          const res = await w.as(from).post(`/direct/${w.id(to)}`);
          assert.deepEqual([res.status, res.body?.error?.code], [403, 'blocked'], `${from} → ${to}`);
        }
      });

      it("someone else's unposted upload does not exist for anyone but its uploader, whatever room they share", async () => {
        const id = await w.upload('member');
        for (const actor of ROOM_ACTORS) {
          const res = await w.as(actor).get(`/attachments/${id}`);
          const want = actor === 'member' ? [200, undefined] : [404, 'attachment_not_found'];
          assert.deepEqual([res.status, res.body?.error?.code], want, actor);
        }
      });

      it('a deactivated account cannot be added to a room or messaged directly', async () => {
        const fx = await w.sharedFor('public', 'owner');
        const before = await w.snapshot(fx);
        const added = await w.as('owner').post(`/rooms/${fx.roomId}/members`, { user_id: w.id('deactivated') });
        assert.deepEqual([added.status, added.body?.error?.code], [404, 'user_not_found']);
        const direct = await w.as('member').post(`/direct/${w.id('deactivated')}`);
        assert.deepEqual([direct.status, direct.body?.error?.code], [404, 'user_not_found']);
        assert.deepStrictEqual(await w.snapshot(fx), before);
      });
    });

    it('ran the whole matrix', (t) => {
      t.diagnostic(`${cases} cases (${allowed} allowed, ${cases - allowed} refused)`);
      assert.ok(cases > 900, `only ${cases} cases ran`);
    });
  });
}
