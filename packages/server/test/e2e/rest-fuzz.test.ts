/**
 * REST fuzzing on every database: every operation of the server's own OpenAPI document gets
 * malformed paths, queries, bodies, content types and tokens (test/helpers/rest-fuzz.ts), each
 * request valid but for one place and naming real rows, so validation past the path is reached.
 * A request fails the run when it is answered with a 5xx or a dropped connection, when it carried
 * a NUL or a lone surrogate and was accepted, when a 4xx is not an error of the catalogue
 * ({ error: { code, message } } with the code's status), or when a 4xx changed what the database
 * holds (a digest of every table, test/helpers/state-digest.ts, before and after each request).
 * Bounded: a seeded PRNG, every priority case plus PER_OPERATION sampled ones per operation.
 */
import assert from 'node:assert/strict';
import { ERROR_STATUS } from '@rooms/protocol';
import { after, before, describe, it } from 'node:test';
import {
  casesFor,
  fuzzClient,
  operationsOf,
  prng,
  type Fixture,
  type FuzzCase,
  type OpenApiDoc,
  type Operation,
} from '../helpers/rest-fuzz.ts';
import { client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { changedTables, openStateDigest, type StateDigest } from '../helpers/state-digest.ts';

/** Fixed, so a failure replays; FUZZ_SEED picks another sample locally. */
const SEED = Number(process.env.FUZZ_SEED ?? 14);
/** Sampled cases per operation on top of its priority cases (NUL, lone surrogates, int32 bounds, forged cursors). */
const PER_OPERATION = 25;

/** The rows every case may name: a user owning a room with a member, a message, a reaction and an invite (the first seed's owner is the server's first account: an admin). */
async function seed(url: string): Promise<Fixture> {
  const owner = await signup(url);
  const other = await signup(url);
  const room = await owner.api.post('/rooms', { name: 'fuzz room' });
  await other.api.post(`/rooms/${room.body.id}/join`);
  const message = await owner.api.post(`/rooms/${room.body.id}/messages`, { content: 'fuzz message' });
  await owner.api.post(`/messages/${message.body.id}/reactions`, { emoji: '👍' });
  const invite = await owner.api.post(`/rooms/${room.body.id}/invites`, { max_uses: null });
  for (const r of [room, message, invite]) assert.ok(r.status < 300, JSON.stringify(r.body));
  return {
    token: owner.token,
    password: owner.password,
    otherUserId: other.id,
    roomId: room.body.id,
    messageId: message.body.id,
    inviteCode: invite.body.code,
    emoji: '👍',
  };
}

/** Whether a case that succeeded left the fixture usable (it may have logged out, left, deleted …). */
async function intact(url: string, fx: Fixture): Promise<boolean> {
  const api = client(url, fx.token);
  const [me, room, message, invite] = await Promise.all([
    api.get('/auth/me'),
    api.get(`/rooms/${fx.roomId}`),
    api.get(`/messages/${fx.messageId}`),
    api.get(`/invites/${fx.inviteCode}`),
  ]);
  return (
    me.status === 200 &&
    room.status === 200 &&
    room.body.membership?.role === 'owner' &&
    message.status === 200 &&
    message.body.deleted_at === null &&
    invite.status === 200
  );
}

/** An error answer as the API documents it: { error: { code, message } }, the code's status being the one answered. */
function isErrorBody(status: number, body: string): boolean {
  try {
    const { error } = JSON.parse(body) as { error?: { code?: string; message?: unknown } };
    return typeof error?.message === 'string' && (ERROR_STATUS as Record<string, number>)[error.code ?? ''] === status;
  } catch {
    return false;
  }
}

for (const backend of backends()) {
  describe(`REST fuzzing: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    let digest: StateDigest;
    let seeded: Fixture;
    before(async () => {
      srv = await startServer(backend, { config: { MESSAGE_RATE_LIMIT: 100_000 } });
      digest = await openStateDigest({ databaseUrl: srv.app.config.DATABASE_URL, dataDir: srv.app.config.DATA_DIR });
      seeded = await seed(srv.url);
    });
    after(async () => {
      await digest.close();
      await srv.stop();
    });

    it('the digest sees a change: a message sent', async () => {
      const before = await digest.take();
      const sent = await client(srv.url, seeded.token).post(`/rooms/${seeded.roomId}/messages`, { content: 'seen' });
      assert.equal(sent.status, 201);
      assert.ok(changedTables(before, await digest.take()).includes('messages'));
    });

    it('answers every malformed request of every operation with a 4xx of the catalogue that changes nothing', async (t) => {
      const started = performance.now();
      const ops = operationsOf((await (await fetch(`${srv.url}/openapi.json`)).json()) as OpenApiDoc);
      assert.ok(ops.length >= 50, `the document lists ${ops.length} operations`);
      let fx = seeded;
      let state = await digest.take();
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      let sent = 0;
      let reseeds = 0;
      const http = fuzzClient(srv.url);
      t.after(() => http.close());
      const casesOf = (op: Operation, i: number): FuzzCase[] =>
        casesFor(op, fx, prng(SEED * 1000 + i), { perOperation: PER_OPERATION, bodyLimit: srv.app.config.BODY_LIMIT });

      for (const [i, op] of ops.entries()) {
        let cases = casesOf(op, i);
        for (let k = 0; k < cases.length; k++) {
          const c = cases[k]!;
          const fail = (status: number, detail: string) => failures.push(`${status} ${c.label}: ${detail}`);
          sent++;
          let res;
          try {
            res = await http.send(c);
          } catch (err) {
            // The server may close a connection whose body it refused unread; anything else is a failure.
            if (!c.label.endsWith('over the body limit')) fail(0, String(err));
            continue;
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const now = await digest.take();
          if (res.status >= 500) fail(res.status, res.body.slice(0, 200));
          if (res.status < 400 && c.mustRefuse) fail(res.status, 'accepted a NUL or a lone surrogate');
          if (res.status >= 400 && !isErrorBody(res.status, res.body))
            fail(res.status, `not an error of the catalogue: ${res.body.slice(0, 200)}`);
          if (res.status >= 400 && changedTables(state, now).length > 0)
            fail(res.status, `refused, yet changed ${changedTables(state, now).join(', ')}`);
          state = now;
          if (res.status < 400 && c.method !== 'GET' && !(await intact(srv.url, fx))) {
            fx = await seed(srv.url);
            reseeds++;
            state = await digest.take();
            cases = casesOf(op, i);
          }
        }
      }

      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const byStatus = JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
      t.diagnostic(
        `${backend.name}: ${sent} requests to ${ops.length} operations in ${seconds} s (seed ${SEED}, ${reseeds} re-seeds); statuses ${byStatus}`,
      );
      assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed`);
    });
  });
}
