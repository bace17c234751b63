import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

interface Operation {
  security?: unknown[];
}

/**
 * Authentication runs before the body is read or validated (an onRequest hook), on every route
 * that needs it: a caller without a valid token learns nothing about the input a route expects,
 * and costs the server no parsing. Every operation of the OpenAPI document that declares a
 * security requirement is tried, so a new route with its hook in the wrong place fails here.
 */
for (const backend of backends()) {
  describe(`401 comes before the body and parameters: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    let operations: { method: string; path: string }[];
    before(async () => {
      srv = await startServer(backend);
      const doc = (await client(srv.url).get('/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
      operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => Array.isArray(op.security) && op.security.length > 0)
          .map(([method]) => ({ method: method.toUpperCase(), path })),
      );
    });
    after(() => srv.stop());

    /** The path with every parameter invalid, and a query no route accepts. */
    const badUrl = (path: string) => `${path.replace(/\{[^}]+\}/g, 'not-an-id')}?limit=-1&before=zz&no_such_param=1`;

    async function send(method: string, path: string, authorization?: string): Promise<{ status: number; code?: string }> {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      let body: string | undefined;
      if (method !== 'GET') {
        headers['content-type'] = 'application/json';
        body = '{"not json';
      }
      const res = await fetch(srv.url + badUrl(path), { method, headers, body });
      const json = (await res.json()) as { error?: { code: string } };
      return { status: res.status, code: json.error?.code };
    }

    it('the notifications routes answer 401, not 400, to a request without a token and with invalid input', async () => {
      for (const [method, path] of [
        ['GET', '/notifications'],
        ['PATCH', '/notifications/read-all'],
        ['PATCH', '/notifications/{id}/read'],
      ] as const) {
        assert.deepEqual(await send(method, path), { status: 401, code: 'unauthenticated' }, `${method} ${path}`);
      }
    });

    it('so does every operation that needs a token, without one or with a forged one', async () => {
      assert.ok(operations.length > 30, `${operations.length} operations found`);
      const wrong: string[] = [];
      for (const { method, path } of operations) {
        for (const authorization of [undefined, 'Bearer not.a.token']) {
          const got = await send(method, path, authorization);
          if (got.status !== 401)
            wrong.push(`${method} ${path} (${authorization ? 'forged token' : 'no token'}): ${got.status} ${got.code}`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  });
}
