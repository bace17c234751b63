/* eslint-disable @typescript-eslint/no-explicit-any -- REST answers are untyped JSON on purpose: tests assert on their shape. */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe } from 'node:test';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/config/config.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { signup, startServer, type TestServer } from './server.ts';
import { type Backend, backends, serviceUrl } from './services.ts';
import { type Frame, TestSocket } from './ws.ts';

export type User = Awaited<ReturnType<typeof signup>>;
type StartOptions = { config?: Partial<Record<keyof Config, unknown>>; clock?: Clock };

export interface WsSetup {
  name: string;
  /** A reason to skip, or false. */
  skip: string | false;
  start(opts?: StartOptions): Promise<TestServer>;
}

/**
 * The two configurations every real-time suite runs on: embedded (SQLite, memory bus and
 * presence) and scaled (PostgreSQL, Redis bus, presence and rate limits under a fresh prefix).
 */
export function wsSetups(): WsSetup[] {
  const [sqlite, postgres] = backends() as [Backend, Backend];
  const redisUrl = serviceUrl('TEST_REDIS_URL');
  return [
    { name: 'sqlite, embedded', skip: false, start: (opts = {}) => startServer(sqlite, opts) },
    {
      name: 'postgres + redis',
      skip: !(postgres.available && redisUrl) && 'TEST_DATABASE_URL / TEST_REDIS_URL not set',
      start: (opts = {}) =>
        startServer(postgres, {
          ...opts,
          config: { REDIS_URL: redisUrl, REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:`, ...opts.config },
        }),
    },
  ];
}

export interface WsSuite {
  /** The server of the current configuration (started before the suite's tests). */
  readonly srv: TestServer;
  readonly setup: WsSetup;
  /** Sockets opened through it are closed after each test. */
  readonly pool: ReturnType<typeof socketPool>;
}

/**
 * Registers a suite once per configuration (embedded; PostgreSQL + Redis), each with its own
 * started server and a socket pool emptied after every test.
 */
export function describeWs(title: string, options: StartOptions, body: (t: WsSuite) => void): void {
  for (const setup of wsSetups()) {
    describe(`${title}: ${setup.name}`, { skip: setup.skip }, () => {
      let srv: TestServer | undefined;
      const pool = socketPool();
      before(async () => {
        srv = await setup.start(options);
      });
      afterEach(() => pool.closeAll());
      after(() => srv?.stop());
      body({
        get srv() {
          if (!srv) throw new Error('the server is not started yet');
          return srv;
        },
        setup,
        pool,
      });
    });
  }
}

/**
 * Opens a socket for a user (token in the query) and returns it once `ready` arrived and a first
 * ping was answered: a client with nothing to resume says so with any frame, and live events of
 * the rooms it follows flow from then on (otherwise they wait a second for a possible resume).
 */
export async function connect(srv: TestServer, user: { token: string }): Promise<TestSocket> {
  const s = await TestSocket.open(srv.url, { token: user.token });
  await s.request('ping');
  return s;
}

/** Creates a room through REST; returns its view. */
export async function createRoom(owner: User, body: Record<string, unknown> = {}): Promise<any> {
  const res = await owner.api.post('/rooms', { name: `room ${randomBytes(3).toString('hex')}`, type: 'public', ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** Sends a message through REST; returns the stored message. */
export async function say(user: User, roomId: string, content: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await user.api.post(`/rooms/${roomId}/messages`, { content, ...extra });
  assert.ok(res.status === 201 || res.status === 200, `${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An owner adds users to one of their rooms. */
export async function addMembers(owner: User, roomId: string, ...users: User[]): Promise<void> {
  for (const u of users) {
    const res = await owner.api.post(`/rooms/${roomId}/members`, { user_id: u.id });
    assert.ok(res.status === 201 || res.status === 200, JSON.stringify(res.body));
  }
}

/** Durable events of one room a socket received, in arrival order. */
export const durable = (s: TestSocket, roomId: string): Frame[] => s.frames.filter((f) => f.room_id === roomId && f.seq !== undefined);

/** Every room's durable events arrived on this socket with strictly increasing seqs. */
export function assertSeqsIncrease(s: TestSocket): void {
  const last = new Map<string, number>();
  for (const f of s.frames) {
    if (f.seq === undefined) continue;
    assert.ok(f.room_id, `durable ${f.type} without room_id`);
    const prev = last.get(f.room_id) ?? 0;
    assert.ok(f.seq > prev, `room ${f.room_id}: seq ${f.seq} after ${prev} (${f.type})`);
    last.set(f.room_id, f.seq);
  }
}

/**
 * Waits until everything published before now has reached the socket: the user posts a marker
 * in a room they belong to and waits for it (the bus and the hub keep publication order).
 */
export async function barrier(s: TestSocket, user: User, roomId: string): Promise<void> {
  const marker = `barrier ${randomBytes(4).toString('hex')}`;
  await say(user, roomId, marker);
  await s.next((f) => f.type === 'message_created' && f.data?.message?.content === marker);
}

/** Waits for a number of frames matching, or fails naming what arrived. */
export async function waitCount(s: TestSocket, match: (f: Frame) => boolean, n: number, timeoutMs = 5000): Promise<Frame[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = s.frames.filter(match);
    if (got.length >= n) return got;
    if (Date.now() > deadline) assert.fail(`expected ${n} matching frames, got ${got.length}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Opens the sockets a test needs and closes them all when it ends. */
export function socketPool() {
  const open = new Set<TestSocket>();
  return {
    async connect(srv: TestServer, user: { token: string }): Promise<TestSocket> {
      const s = await connect(srv, user);
      open.add(s);
      return s;
    },
    /** Opens a socket and sends nothing: the caller's first frame (a resume) comes next. */
    async reconnect(srv: TestServer, user: { token: string }): Promise<TestSocket> {
      const s = await TestSocket.open(srv.url, { token: user.token });
      open.add(s);
      return s;
    },
    track(s: TestSocket): TestSocket {
      open.add(s);
      return s;
    },
    closeAll(): void {
      for (const s of open) s.close();
      open.clear();
    },
  };
}

export { signup, TestSocket, type Frame, type TestServer };
