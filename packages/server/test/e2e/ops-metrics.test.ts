import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

const sqlite = backends().find((b) => b.name === 'sqlite')!;
const TOKEN = 'metrics-token-0123456789abcdef';

describe('/metrics without METRICS_TOKEN', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer(sqlite);
  });
  after(() => srv.stop());

  it('is off: 404, as any unknown path, whatever the request carries', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
      const res = await client(srv.url).get('/metrics', headers);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'not_found');
    }
    assert.equal((await client(srv.url).get('/healthz')).status, 200, 'health checks stay public');
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer(sqlite, { config: { METRICS_TOKEN: TOKEN } });
  });
  after(() => srv.stop());

  it('answers 401 without the token, with another token, or with it in another scheme', async () => {
    const tries: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Basic ${TOKEN}` },
      { authorization: TOKEN },
    ];
    for (const headers of tries) {
      const res = await client(srv.url).get('/metrics', headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.body.error.code, 'unauthenticated');
      assert.doesNotMatch(JSON.stringify(res.body), /rooms_/);
    }
  });

  it('answers the Prometheus text to `Authorization: Bearer <METRICS_TOKEN>`', async () => {
    const res = await client(srv.url).get('/metrics', { authorization: `Bearer ${TOKEN}` });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(res.body, /^# HELP rooms_http_request_duration_seconds /m);
    assert.match(res.body, /^# HELP rooms_connections_refused_total /m);
  });
});
