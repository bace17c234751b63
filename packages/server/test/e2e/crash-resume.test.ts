import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { dropRedisPrefix, freshRedisPrefix, nodeLauncher, type Node } from '../helpers/cluster.ts';
import { client, signup } from '../helpers/server.ts';
import { freshPostgresDatabase, serviceUrl } from '../helpers/services.ts';
import { TestSocket, type Frame } from '../helpers/ws.ts';

// "Nothing a server acknowledged is ever lost, including across a server crash": the real server
// process is SIGKILLed in the middle of a stream of acknowledged sends, restarted on the same
// data, and checked against what the clients were told.
const pgUrl = serviceUrl('TEST_DATABASE_URL');
const redisUrl = process.env.TEST_REDIS_URL || undefined;

const KILLS = 3;
const WS_SENDERS = 3;
const WS_WINDOW = 4;
const REST_WINDOW = 2;
const ROOMS = 2;
const WAIT = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Attempt {
  clientId: string;
  roomId: string;
  token: string;
  content: string;
  /** What the client was told: acked (WS ack or REST 201), or nothing before the crash. */
  state: 'pending' | 'acked' | 'unknown';
  messageId?: string;
  seq?: number;
}

/** A WebSocket sender: requests with ids, answered by ack/error; all pending ones fail when the socket dies. */
class WsSender {
  private readonly pending = new Map<string, { resolve: (f: Frame) => void; reject: (e: Error) => void }>();
  private seen = 0;
  private next = 0;
  readonly sock: TestSocket;

  constructor(sock: TestSocket) {
    this.sock = sock;
    sock.ws.on('message', () => {
      for (; this.seen < sock.frames.length; this.seen++) {
        const f = sock.frames[this.seen]!;
        const p = f.id !== undefined ? this.pending.get(f.id) : undefined;
        if (!p || (f.type !== 'ack' && f.type !== 'error')) continue;
        this.pending.delete(f.id!);
        p.resolve(f);
      }
    });
    sock.ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('socket closed'));
      this.pending.clear();
    });
  }

  request(type: string, data: unknown): Promise<Frame> {
    const id = `s${++this.next}`;
    return new Promise((resolve, reject) => {
      if (this.sock.ws.readyState !== this.sock.ws.OPEN) return reject(new Error('socket closed'));
      this.pending.set(id, { resolve, reject });
      this.sock.ws.send(JSON.stringify({ type, id, data }));
    });
  }
}

/**
 * A client that follows the rooms across reconnects and checks every durable frame as it
 * arrives: each must carry exactly the next seq of its room (no gap, no repeat, no reordering).
 */
class Listener {
  readonly lastSeen = new Map<string, number>();
  readonly violations: string[] = [];
  readonly messageIds = new Set<string>();
  duplicateMessages = 0;
  replayed = 0;
  private sock: TestSocket | undefined;

  async connect(base: string, token: string): Promise<void> {
    const sock = await TestSocket.open(base, { token });
    this.sock = sock;
    let cursor = 0;
    const consume = () => {
      for (; cursor < sock.frames.length; cursor++) this.onFrame(sock.frames[cursor]!);
    };
    sock.ws.on('message', consume);
    const ready = sock.frames.find((f) => f.type === 'ready')!;
    if (this.lastSeen.size === 0) {
      for (const r of ready.data.rooms as { room_id: string; last_seq: number }[]) this.lastSeen.set(r.room_id, r.last_seq);
    } else {
      const before = [...this.lastSeen.values()].reduce((a, b) => a + b, 0);
      await sock.request('resume', { rooms: Object.fromEntries(this.lastSeen) });
      consume();
      this.replayed += [...this.lastSeen.values()].reduce((a, b) => a + b, 0) - before;
    }
    consume();
  }

  /** Waits until the listener has seen every room up to the given seqs. */
  async caughtUp(target: Map<string, number>): Promise<void> {
    const deadline = Date.now() + WAIT;
    while ([...target].some(([room, seq]) => (this.lastSeen.get(room) ?? 0) < seq)) {
      if (Date.now() > deadline)
        throw new Error(`listener stuck at ${JSON.stringify([...this.lastSeen])}, expected ${JSON.stringify([...target])}`);
      await sleep(20);
    }
  }

  close(): void {
    this.sock?.close();
  }

  private onFrame(f: Frame): void {
    if (f.room_id === undefined || f.seq === undefined || !this.lastSeen.has(f.room_id)) return;
    const last = this.lastSeen.get(f.room_id)!;
    if (f.seq !== last + 1) {
      this.violations.push(`${f.type} seq ${f.seq} after ${last}`);
      if (f.seq <= last) return;
    }
    this.lastSeen.set(f.room_id, f.seq);
    if (f.type === 'message_created') {
      const id = f.data.message.id as string;
      if (this.messageIds.has(id)) this.duplicateMessages++;
      this.messageIds.add(id);
    }
  }
}

interface Target {
  name: string;
  skip: string | false;
  env(): Promise<{ env: Record<string, string | undefined>; cleanup: () => Promise<void> }>;
}

const targets: Target[] = [
  { name: 'SQLite (embedded)', skip: false, env: async () => ({ env: {}, cleanup: async () => {} }) },
  {
    name: redisUrl ? 'PostgreSQL + Redis' : 'PostgreSQL',
    skip: pgUrl ? false : 'needs TEST_DATABASE_URL',
    env: async () => {
      const db = await freshPostgresDatabase(pgUrl!);
      const prefix = freshRedisPrefix();
      return {
        env: { DATABASE_URL: db.url, ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: prefix } : {}) },
        cleanup: async () => {
          await db.drop();
          if (redisUrl) await dropRedisPrefix(redisUrl, prefix);
        },
      };
    },
  },
];

for (const target of targets) {
  describe(`crash and resume: ${target.name}`, { skip: target.skip }, () => {
    const launcher = nodeLauncher();
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      await launcher.cleanup();
      for (const c of cleanups) await c();
    });

    it(
      `SIGKILL ${KILLS} times during acked sends: every acked message is stored once, resumes replay exactly what was missed`,
      { timeout: 180_000 },
      async (t) => {
        const { env: baseEnv, cleanup } = await target.env();
        cleanups.push(cleanup);
        const env = { ...baseEnv, MESSAGE_RATE_LIMIT: '100000' };
        const dataDir = launcher.freshDir();
        await runCrashRounds(t, () => launcher.start(env, dataDir));
      },
    );
  });
}

async function runCrashRounds(t: TestContext, boot: () => Promise<Node>): Promise<void> {
  let node = await boot();
  const owner = await signup(node.url);
  const senders = await Promise.all(Array.from({ length: WS_SENDERS + 1 }, () => signup(node.url)));
  const rooms: string[] = [];
  for (let i = 0; i < ROOMS; i++) {
    const room = await client(node.url, owner.token).post('/rooms', { name: `crash ${i}`, type: 'public' });
    rooms.push(room.body.id);
    for (const s of senders) assert.equal((await client(node.url, s.token).post(`/rooms/${room.body.id}/join`)).status, 200);
  }
  const listener = new Listener();
  await listener.connect(node.url, owner.token);

  const attempts: Attempt[] = [];
  let counter = 0;
  const newAttempt = (token: string): Attempt => {
    const n = ++counter;
    const clientId = `crash-${n}`;
    const a: Attempt = { clientId, roomId: rooms[n % ROOMS]!, token, content: `message ${n} (${clientId})`, state: 'pending' };
    attempts.push(a);
    return a;
  };
  let ackedLive = 0;
  let unknownBeforeRetry = 0;
  let retriedAlreadyStored = 0;

  for (let round = 0; round <= KILLS; round++) {
    if (round > 0) {
      node = await boot();
      // The client's outbox: every send whose outcome is unknown is sent again with its client_id.
      for (const a of attempts.filter((x) => x.state === 'unknown')) {
        const res = await client(node.url, a.token).post(`/rooms/${a.roomId}/messages`, { content: a.content, client_id: a.clientId });
        assert.ok(res.status === 200 || res.status === 201, `retry answered ${res.status}`);
        assert.equal(res.body.content, a.content);
        if (res.status === 200) retriedAlreadyStored++;
        Object.assign(a, { state: 'acked', messageId: res.body.id, seq: res.body.seq });
      }
    }
    if (round === KILLS) break;

    // A stream of sends: WS senders with a few requests in flight each, and a REST sender.
    const killAt = 60 + Math.floor(Math.random() * 40);
    let acks = 0;
    let killed = false;
    let reconnecting: Promise<void> | undefined;
    const onAck = (a: Attempt, message: { id: string; seq: number }) => {
      Object.assign(a, { state: 'acked', messageId: message.id, seq: message.seq });
      acks++;
      ackedLive++;
      // After a restart, the listener comes back while the stream is flowing: the seam is live.
      if (round > 0 && acks === 15) reconnecting = listener.connect(node.url, owner.token);
      if (acks >= killAt && !killed) {
        killed = true;
        node.proc.child.kill('SIGKILL');
      }
    };
    const wsLoops = await Promise.all(
      senders.slice(0, WS_SENDERS).map(async (s) => {
        const sender = new WsSender(await TestSocket.open(node.url, { token: s.token }));
        return Array.from({ length: WS_WINDOW }, async () => {
          while (!killed) {
            const a = newAttempt(s.token);
            try {
              const f = await sender.request('send_message', { room_id: a.roomId, content: a.content, client_id: a.clientId });
              if (f.type !== 'ack') throw new Error(`send refused: ${JSON.stringify(f.error)}`);
              assert.equal(f.data.created, true);
              onAck(a, f.data.message);
            } catch (err) {
              if (!killed) throw err;
              a.state = 'unknown';
            }
          }
        });
      }),
    );
    const rest = senders[WS_SENDERS]!;
    const restLoops = Array.from({ length: REST_WINDOW }, async () => {
      while (!killed) {
        const a = newAttempt(rest.token);
        try {
          const res = await client(node.url, rest.token).post(`/rooms/${a.roomId}/messages`, { content: a.content, client_id: a.clientId });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          onAck(a, res.body);
        } catch (err) {
          if (!killed) throw err;
          a.state = 'unknown';
        }
      }
    });
    await Promise.all([...wsLoops.flat(), ...restLoops]);
    await reconnecting?.catch(() => {});
    const exit = await node.proc.exited;
    assert.equal(exit.signal, 'SIGKILL');
    unknownBeforeRetry += attempts.filter((a) => a.state === 'unknown').length;
  }

  // After the last restart: the listener resumes, one more message per room shows live delivery continues.
  await listener.connect(node.url, owner.token);
  for (const roomId of rooms) {
    const a = newAttempt(owner.token);
    a.roomId = roomId;
    const res = await client(node.url, owner.token).post(`/rooms/${roomId}/messages`, { content: a.content, client_id: a.clientId });
    assert.equal(res.status, 201);
    Object.assign(a, { state: 'acked', messageId: res.body.id, seq: res.body.seq });
    ackedLive++;
  }
  const heads = new Map<string, number>();
  for (const roomId of rooms) heads.set(roomId, (await client(node.url, owner.token).get(`/rooms/${roomId}`)).body.last_seq);
  await listener.caughtUp(heads);

  // What the database holds, read back through the API.
  const stored = new Map<string, { id: string; seq: number; content: string }[]>();
  for (const roomId of rooms) {
    for (let after = '0'; ;) {
      const page = await client(node.url, owner.token).get(`/rooms/${roomId}/messages?after=${after}&limit=100`);
      assert.equal(page.status, 200);
      for (const m of page.body.items) {
        if (m.type === 'system') continue; // "… joined": the server's, not an attempt
        const list = stored.get(m.client_id) ?? [];
        list.push(m);
        stored.set(m.client_id, list);
      }
      if (!page.body.next) break;
      after = page.body.next;
    }
  }

  const acked = attempts.filter((a) => a.state === 'acked');
  let lost = 0;
  for (const a of acked) {
    const found = stored.get(a.clientId);
    if (!found || found[0]!.id !== a.messageId || found[0]!.seq !== a.seq || found[0]!.content !== a.content) lost++;
  }
  let duplicates = [...stored.values()].reduce((n, list) => n + list.length - 1, 0) + listener.duplicateMessages;
  // Resending any acked client_id now returns the original, never a second message.
  for (const a of acked) {
    const res = await client(node.url, a.token).post(`/rooms/${a.roomId}/messages`, { content: a.content, client_id: a.clientId });
    if (res.status !== 200 || res.body.id !== a.messageId) duplicates++;
  }
  const missedByListener = acked.filter((a) => !listener.messageIds.has(a.messageId!)).length;

  const figures = {
    sent: attempts.length,
    acked: ackedLive,
    unanswered_at_kill: unknownBeforeRetry,
    of_which_stored: retriedAlreadyStored,
    kills: KILLS,
    lost,
    duplicates,
    replayed_on_resume: listener.replayed,
    listener_missed: missedByListener,
    seam_violations: listener.violations.length,
  };
  t.diagnostic(`crash-resume figures: ${JSON.stringify(figures)}`);
  console.log(`crash-resume figures: ${JSON.stringify(figures)}`);
  listener.close();

  assert.equal(lost, 0, 'every acknowledged message is stored');
  assert.equal(duplicates, 0, 'no message is stored or delivered twice');
  assert.deepEqual(listener.violations, [], 'the listener saw every seq once, in order, across every resume');
  assert.equal(missedByListener, 0, 'the listener received every stored message');
  assert.equal(stored.size, acked.length, 'nothing is stored that no client sent');
}
