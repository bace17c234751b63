/* eslint-disable @typescript-eslint/no-explicit-any -- the document is untyped JSON on purpose: tests assert on its shape. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CLOSE_CODES, ClientFrame, EVENT_NAMES } from '@rooms/protocol';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { checkAnswer } from '../helpers/openapi-check.ts';
import { signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

const [sqlite] = backends();
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ops = (doc: any): [string, any][] =>
  Object.entries<any>(doc.paths).flatMap(([p, o]) =>
    Object.entries<any>(o).map(([m, op]) => [`${m.toUpperCase()} ${p}`, op] as [string, any]),
  );

describe('the OpenAPI document describes what the server does', () => {
  let srv: TestServer;
  let doc: any;
  before(async () => {
    srv = await startServer(sqlite!);
    doc = await (await fetch(`${srv.url}/openapi.json`)).json();
  });
  after(() => srv.stop());

  it('every operation has a summary, the statuses it answers (204s included) and an error shape', () => {
    for (const [name, op] of ops(doc)) {
      assert.ok(op.summary && !op.summary.startsWith(name.split(' ')[0]!), `${name}: a summary of its own`);
      assert.ok(op.responses.default?.content?.['application/json'], `${name}: the error shape`);
      for (const [status, r] of Object.entries<any>(op.responses))
        assert.notEqual(r.description, 'Default Response', `${name} ${status}: a placeholder`);
      if (op.security) assert.ok(op.responses['401'], `${name}: 401`);
    }
    for (const name of [
      'DELETE /rooms/{id}',
      'POST /users/{id}/follow',
      'POST /rooms/{id}/bans',
      'DELETE /messages/{id}/pin',
      'PATCH /notifications/{id}/read',
    ]) {
      const op = ops(doc).find(([n]) => n === name)![1];
      assert.deepEqual(
        Object.keys(op.responses).filter((s) => s.startsWith('2')),
        ['204'],
        name,
      );
    }
  });

  it('every request body has an example that its own schema accepts (what /docs "Try it out" sends)', () => {
    const ajv = addFormats(new Ajv({ strict: false }));
    for (const [name, op] of ops(doc)) {
      const body = op.requestBody?.content?.['application/json'];
      if (!body) continue;
      assert.ok(body.example !== undefined, `${name}: an example`);
      const nullable = (s: any): any =>
        Array.isArray(s)
          ? s.map(nullable)
          : s && typeof s === 'object'
            ? Object.fromEntries(
                Object.entries(s)
                  .filter(([k]) => k !== 'nullable')
                  .map(([k, v]) => [k, nullable(v)]),
              )
            : s;
      const validate = ajv.compile(nullable(body.schema));
      assert.ok(validate(body.example), `${name}: ${ajv.errorsText(validate.errors)}`);
    }
  });

  it('the examples work against the server: signing up, creating a room, sending', async () => {
    const u = await signup(srv.url);
    const example = (name: string) => ops(doc).find(([n]) => n === name)![1].requestBody.content['application/json'].example;
    const room = await u.api.post('/rooms', example('POST /rooms'));
    assert.equal(room.status, 201, JSON.stringify(room.body));
    const sent = await u.api.post(`/rooms/${room.body.id}/messages`, example('POST /rooms/{id}/messages'));
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal((await u.api.post(`/rooms/${room.body.id}/invites`, example('POST /rooms/{id}/invites'))).status, 201);
    assert.equal((await u.api.post(`/messages/${sent.body.id}/reactions`, example('POST /messages/{id}/reactions'))).status, 201);
  });

  it('answers are checked against the document: a status or body it does not describe is drift', async () => {
    const u = await signup(srv.url);
    const other = await signup(srv.url);
    const follow = await fetch(`${srv.url}/users/${other.id}/follow`, { method: 'POST', headers: { authorization: `Bearer ${u.token}` } });
    assert.equal(follow.status, 204);
    await checkAnswer(srv.url, 'POST', `/users/${other.id}/follow`, 204, undefined, null);
    await checkAnswer(srv.url, 'GET', '/rooms', 200, { items: [], next_cursor: null }, 'application/json');
    await assert.rejects(checkAnswer(srv.url, 'POST', `/users/${other.id}/follow`, 200, undefined, null), /lists no 200/);
    await assert.rejects(checkAnswer(srv.url, 'GET', '/rooms', 200, { items: [] }, 'application/json'), /next_cursor/);
    await assert.rejects(checkAnswer(srv.url, 'GET', '/rooms', 201, {}, 'application/json'), /lists no 201/);
    await checkAnswer(srv.url, 'GET', '/rooms', 429, { error: { code: 'rate_limited', message: 'slow down' } }, 'application/json');
  });

  it('/docs serves the browsable document', async () => {
    const res = await fetch(`${srv.url}/docs/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /swagger/i);
  });

  it('the WebSocket protocol is described: every client frame, server event and close code, and the thread rule', () => {
    assert.match(doc.info.description, /docs\/websocket\.md/);
    const page = readFileSync(new URL('../../../../docs/websocket.md', import.meta.url), 'utf8');
    for (const option of ClientFrame.options)
      assert.ok(page.includes(`\`${option.shape.type.value}\``), `client frame ${option.shape.type.value}`);
    for (const type of EVENT_NAMES) assert.ok(page.includes(`\`${type}\``), `server event ${type}`);
    for (const code of Object.values(CLOSE_CODES)) assert.ok(page.includes(`| ${code} |`), `close code ${code}`);
    assert.match(page, /joins the thread of that reply's root/);
    const send = ops(doc).find(([n]) => n === 'POST /rooms/{id}/messages')![1];
    assert.match(send.requestBody.content['application/json'].schema.properties.parent_id.description, /root/);
  });
});
