/* eslint-disable @typescript-eslint/no-explicit-any -- the test client returns untyped JSON on purpose. */
import assert from 'node:assert/strict';
import type { ErrorCode } from '@rooms/protocol';
import { ManualClock } from '../../src/ports/clock.ts';
import type { RoomType } from '../../src/store/room-types.ts';
import type { Store } from '../../src/store/store.ts';
import { type Answer, client, type Client, signup, startServer, type TestServer } from '../helpers/server.ts';
import type { Backend } from '../helpers/services.ts';
import { upload } from '../helpers/uploads.ts';

/** Callers whose token is refused before any room is looked at, and the code they get. */
export const AUTH_FAILURES = {
  anonymous: 'unauthenticated',
  bad_token: 'unauthenticated',
  expired_token: 'token_expired',
  revoked_token: 'token_revoked',
  deactivated: 'unauthenticated',
} as const satisfies Record<string, ErrorCode>;

/**
 * Signed-in callers, by their relation to the room: server_admin belongs to no room; invited holds a
 * live invite code but has not used it; banned was a member (and wrote a message) before the ban;
 * muted is a member muted by the owner; blocked is a member whom the owner blocked (in a direct
 * room: the other member blocked them).
 */
export const ROOM_ACTORS = ['server_admin', 'outsider', 'invited', 'banned', 'member', 'muted', 'blocked', 'admin', 'owner'] as const;

export type AuthFailure = keyof typeof AUTH_FAILURES;
export type Actor = AuthFailure | (typeof ROOM_ACTORS)[number];
export const ACTORS: readonly Actor[] = [...(Object.keys(AUTH_FAILURES) as AuthFailure[]), ...ROOM_ACTORS];
export const isAuthFailure = (a: Actor): a is AuthFailure => a in AUTH_FAILURES;

export const ROOM_KINDS = ['public', 'private', 'direct', 'public, archived', 'private, archived'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];
export const typeOf = (kind: RoomKind): RoomType => kind.split(',')[0] as RoomType;

/** Roles a direct room cannot have: its two members are plain members, and nobody is invited, muted or banned there. */
const NOT_IN_DIRECT: readonly Actor[] = ['invited', 'banned', 'muted', 'admin', 'owner'];
export const applies = (kind: RoomKind, actor: Actor): boolean => typeOf(kind) !== 'direct' || !NOT_IN_DIRECT.includes(actor);

/** One room and its cast, as an endpoint needs it. */
export interface Fixture {
  kind: RoomKind;
  roomId: string;
  /** The member moderation acts on: a plain member who is none of the actors (the other person, in a direct room). */
  victimId: string;
  /** A message by the victim. */
  targetMessageId: string;
  /** An image the victim posted in the room (with a message of its own). */
  attachmentId: string;
  /** Each member actor's own message. */
  own: Partial<Record<Actor, string>>;
  /** Group rooms: the banned actor's id, and the live codes (one held by invited, one spare). */
  bannedId: string;
  inviteCode: string;
  spareCode: string;
  /** Actors a block separates from the other member of this direct room. */
  blockedFromPeer: ReadonlySet<Actor>;
}

interface Account {
  id: string;
  token: string;
  password: string;
}

const EXTRAS = ['victim', 'addee', 'peer'] as const;
type Name = Exclude<Actor, 'anonymous' | 'bad_token'> | (typeof EXTRAS)[number];

/** The server, its accounts and the shared rooms the matrix runs against. */
export class World {
  readonly server: TestServer;
  readonly store: Store;
  readonly clock: ManualClock;
  readonly accounts: Record<Name, Account>;
  private readonly badToken: string;
  private readonly shared = new Map<string, Fixture>();
  /** The last snapshot of each room, kept while no allowed call has touched the room since. */
  readonly known = new Map<string, Record<string, unknown>>();
  private rooms = 0;

  private constructor(server: TestServer, clock: ManualClock, accounts: Record<Name, Account>) {
    this.server = server;
    this.store = server.app.store;
    this.clock = clock;
    this.accounts = accounts;
    // A real token with its signature tampered with.
    const t = accounts.owner.token;
    this.badToken = t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  }

  /**
   * Starts a server on a manual clock and signs everyone up. The expired token is issued, then the
   * clock moves 25 hours: every other account signs in after that, so only that one token is stale.
   */
  static async create(backend: Backend): Promise<World> {
    const clock = new ManualClock();
    const server = await startServer(backend, { clock, config: { MESSAGE_RATE_LIMIT: 100_000 } });
    try {
      const acct = (u: Awaited<ReturnType<typeof signup>>): Account => ({ id: u.id, token: u.token, password: u.password });
      // The first account is the server admin.
      const admin0 = await signup(server.url, { username: 'server_admin' });
      const expired = await signup(server.url, { username: 'expired_token' });
      clock.advance(25 * 60 * 60 * 1000);
      const login = await client(server.url).post('/auth/login', { username: admin0.username, password: admin0.password });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const names = [
        'owner',
        'admin',
        'member',
        'muted',
        'blocked',
        'banned',
        'invited',
        'outsider',
        'revoked_token',
        'deactivated',
        ...EXTRAS,
      ] as const;
      const users = await Promise.all(names.map((username) => signup(server.url, { username })));
      const accounts = Object.fromEntries([
        ['server_admin', { ...acct(admin0), token: login.body.token as string }],
        ['expired_token', acct(expired)],
        ...names.map((n, i) => [n, acct(users[i]!)]),
      ]) as Record<Name, Account>;
      const w = new World(server, clock, accounts);
      assert.equal((await w.store.users.findById(admin0.id))?.is_admin, true, 'the first account is a server admin');
      await w.expect(w.as('revoked_token').post('/auth/logout-all'), 200);
      await w.expect(w.as('deactivated').delete('/users/me', { password: accounts.deactivated.password }), 204);
      await w.buildDirectRooms();
      return w;
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The REST client of an actor (or of one of the extra accounts). */
  as(who: Actor | Name): Client {
    if (who === 'anonymous') return client(this.server.url);
    if (who === 'bad_token') return client(this.server.url, this.badToken);
    return client(this.server.url, this.accounts[who].token);
  }

  id(who: Name): string {
    return this.accounts[who].id;
  }

  /** The shared room of a kind for an actor; allowed calls there must leave the cast as it is. */
  async sharedFor(kind: RoomKind, actor: Actor): Promise<Fixture> {
    const key = typeOf(kind) === 'direct' ? `direct:${actor === 'blocked' ? 'blocked' : 'plain'}` : kind;
    let fx = this.shared.get(key);
    if (!fx) {
      fx = await this.groupRoom(kind);
      this.shared.set(key, fx);
    }
    return fx;
  }

  /**
   * A fresh group room with the whole cast, for an allowed call that changes the cast (delete,
   * leave, ban …). Unless full, only the victim writes and only the invited's code is made.
   */
  fresh(kind: RoomKind, full = false): Promise<Fixture> {
    assert.notEqual(typeOf(kind), 'direct', 'direct rooms allow nothing that changes their cast');
    return this.groupRoom(kind, full);
  }

  async expect(call: Promise<Answer>, status: number): Promise<any> {
    const res = await call;
    assert.equal(res.status, status, `fixture step: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  private async send(who: Name, roomId: string, content: string): Promise<string> {
    return (await this.expect(this.as(who).post(`/rooms/${roomId}/messages`, { content }), 201)).id;
  }

  /** Uploads a small image as `who` (unposted); returns its id. */
  async upload(who: Name): Promise<string> {
    const res = await upload(this.server.url, this.accounts[who].token, 'pixel.png', PIXEL_PNG);
    assert.equal(res.status, 201, `fixture upload: ${JSON.stringify(res.body)}`);
    return res.body.attachment.id as string;
  }

  /** Posts an image in the room as `who`; returns the attachment's id. */
  private async postImage(who: Name, roomId: string): Promise<string> {
    const id = await this.upload(who);
    await this.expect(this.as(who).post(`/rooms/${roomId}/messages`, { content: 'a picture', attachments: [id] }), 201);
    return id;
  }

  /**
   * Builds a group room through the API: owner creates; admin, member, muted, victim and banned are
   * added, admin promoted, blocked added by the admin (the owner has blocked them); everyone
   * writes; then muted is muted, banned is banned, and the admin makes two invite codes.
   */
  private async groupRoom(kind: RoomKind, full = true): Promise<Fixture> {
    const owner = this.as('owner');
    const room = await this.expect(owner.post('/rooms', { name: `authz ${kind} ${++this.rooms}`, type: typeOf(kind) }), 201);
    const roomId: string = room.id;
    const add = (by: Name, who: Name) => this.expect(this.as(by).post(`/rooms/${roomId}/members`, { user_id: this.id(who) }), 201);
    await Promise.all((['admin', 'member', 'muted', 'victim', 'banned'] as const).map((who) => add('owner', who)));
    await this.expect(owner.patch(`/rooms/${roomId}/members/${this.id('admin')}/role`, { role: 'admin' }), 200);
    await add('admin', 'blocked');
    const writers = full ? (['owner', 'admin', 'member', 'muted', 'blocked', 'banned', 'victim'] as const) : (['victim'] as const);
    const ids = await Promise.all(writers.map((who) => this.send(who, roomId, `hello from ${who}`)));
    const own: Partial<Record<Actor, string>> & { victim?: string } = Object.fromEntries(writers.map((w, i) => [w, ids[i]!]));
    const attachmentId = await this.postImage('victim', roomId);
    await this.expect(owner.patch(`/rooms/${roomId}/members/${this.id('muted')}`, { muted: true }), 200);
    await this.expect(owner.post(`/rooms/${roomId}/bans`, { user_id: this.id('banned') }), 204);
    const [invite, spare] = await Promise.all(
      (full ? [1, 2] : [1]).map(() => this.expect(this.as('admin').post(`/rooms/${roomId}/invites`, {}), 201)),
    );
    if (kind.endsWith('archived')) await this.expect(this.as('server_admin').put(`/rooms/${roomId}/flags`, { archived: true }), 200);
    const fx: Fixture = {
      kind,
      roomId,
      victimId: this.id('victim'),
      targetMessageId: own.victim!,
      attachmentId,
      own,
      bannedId: this.id('banned'),
      inviteCode: invite.code,
      spareCode: spare?.code ?? '',
      blockedFromPeer: new Set(),
    };
    await this.assertCast(fx, { owner: 'owner', admin: 'admin', member: 'member', muted: 'member', blocked: 'member', victim: 'member' });
    return fx;
  }

  /**
   * Two direct rooms: member ↔ peer (everyone but blocked is judged there), and owner ↔ blocked,
   * where the owner blocked the other after both had written. The owner's block is global, which
   * is how blocked is "blocked" in the group rooms too.
   */
  private async buildDirectRooms(): Promise<void> {
    const plain = await this.expect(this.as('member').post(`/direct/${this.id('peer')}`), 201);
    const [mine, peers] = [await this.send('member', plain.id, 'hi peer'), await this.send('peer', plain.id, 'hi member')];
    const withBlock = await this.expect(this.as('owner').post(`/direct/${this.id('blocked')}`), 201);
    const [ownerMsg, blockedMsg] = [await this.send('owner', withBlock.id, 'hi'), await this.send('blocked', withBlock.id, 'hi owner')];
    const [plainImage, blockedImage] = [await this.postImage('peer', plain.id), await this.postImage('owner', withBlock.id)];
    await this.expect(this.as('owner').post(`/users/${this.id('blocked')}/block`), 204);
    const direct = (
      roomId: string,
      victim: Name,
      target: string,
      own: Partial<Record<Actor, string>>,
      blocked: Actor[],
      attachmentId: string,
    ): Fixture => ({
      kind: 'direct',
      roomId,
      victimId: this.id(victim),
      targetMessageId: target,
      attachmentId,
      own,
      bannedId: this.id(victim),
      inviteCode: '',
      spareCode: '',
      blockedFromPeer: new Set(blocked),
    });
    this.shared.set('direct:plain', direct(plain.id, 'peer', peers, { member: mine }, [], plainImage));
    this.shared.set('direct:blocked', direct(withBlock.id, 'owner', ownerMsg, { blocked: blockedMsg }, ['blocked'], blockedImage));
    await this.assertCast(this.shared.get('direct:plain')!, { member: 'member', peer: 'member' });
  }

  /** The fixture is what the matrix assumes: exactly these members with these roles; muted muted; banned banned. */
  private async assertCast(fx: Fixture, roles: Partial<Record<Name, string>>): Promise<void> {
    const members = (await this.store.members.list(fx.roomId, 100)).items;
    const byId = new Map(Object.entries(this.accounts).map(([name, a]) => [a.id, name]));
    assert.deepEqual(Object.fromEntries(members.map((m) => [byId.get(m.user.id), m.membership.role])), roles);
    for (const m of members) assert.equal(m.membership.muted, byId.get(m.user.id) === 'muted', `muted: ${byId.get(m.user.id)}`);
    if (typeOf(fx.kind) !== 'direct') assert.equal(await this.store.bans.isBanned(fx.roomId, this.id('banned')), true);
    assert.equal((await this.store.rooms.findById(fx.roomId))?.archived, fx.kind.endsWith('archived'));
  }

  /** Everything a call could change in a room: compared before and after every refused call. */
  async snapshot(fx: Fixture): Promise<Record<string, unknown>> {
    const s = this.store;
    const [room, messages, members, bans, pins, events, invites, blocks] = await Promise.all([
      s.rooms.findById(fx.roomId),
      s.messages.list(fx.roomId, { limit: 1000 }),
      s.members.list(fx.roomId, 1000),
      s.bans.list(fx.roomId, { limit: 1000 }).then((p) => p.items),
      s.pins.list(fx.roomId, { limit: 1000 }).then((p) => p.items),
      s.events.listAfter(fx.roomId, 0, 100_000),
      Promise.all([fx.inviteCode, fx.spareCode].filter(Boolean).map((c) => s.invites.find(c))),
      s.blocks.list(this.id('owner'), { limit: 1000 }).then((p) => p.items),
    ]);
    return {
      room,
      members: members.items.map((m) => m.membership),
      bans: bans.map((b) => b.ban),
      messages,
      reactions: await s.reactions.groups(
        messages.map((m) => m.id),
        this.id('owner'),
      ),
      pins,
      events: events.map((e) => `${e.seq}:${e.type}`),
      invites,
      blocks,
    };
  }
}

/** A 1×1 PNG. */
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
