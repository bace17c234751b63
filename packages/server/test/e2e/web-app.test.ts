import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
import { API_PATH_PREFIXES, isApiPath } from '@rooms/protocol';
import { startServer, type TestServer } from '../helpers/server.ts';
import { backends, tempDir } from '../helpers/services.ts';

const sqlite = backends().find((b) => b.name === 'sqlite')!;

const INDEX = '<!doctype html><title>Rooms</title><div id="root"></div><script type="module" src="/assets/app-abc123.js"></script>\n';
const SCRIPT = `console.log(${JSON.stringify('the app '.repeat(100))});\n`;
const SECRET = 'TOP-SECRET-outside-the-web-dir';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'; // what a browser sends when it navigates

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the path sent exactly as given (fetch would resolve ../ and %2e%2e before sending). */
function raw(base: string, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const get = (base: string, path: string, headers: Record<string, string> = {}) => raw(base, path, { headers });
const json = (r: Raw) => JSON.parse(r.body) as { error?: { code: string } };

/** A stand-in for the web build: index.html, a hashed script (and its brotli twin), an unhashed file, and a secret just outside it. */
function fakeBuild() {
  const base = tempDir('rooms-web-');
  const web = join(base.path, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), INDEX);
  writeFileSync(join(web, 'assets', 'app-abc123.js'), SCRIPT);
  writeFileSync(join(web, 'assets', 'app-abc123.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(web, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(base.path, 'secret.txt'), SECRET);
  return { web, remove: base.remove };
}

function assertSecurityHeaders(r: Raw, what: string): void {
  const csp = String(r.headers['content-security-policy']);
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "connect-src 'self'",
  ]) {
    assert.ok(csp.split(/;\s*/).includes(directive), `${what}: CSP has ${directive} (got ${csp})`);
  }
  assert.doesNotMatch(csp, /unsafe-eval/, what);
  assert.doesNotMatch(csp.split(/;\s*/).find((d) => d.startsWith('script-src')) ?? '', /unsafe-inline/, `${what}: no inline script`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(r.headers['x-frame-options'], 'DENY', what);
  assert.equal(r.headers['referrer-policy'], 'same-origin', what);
}

describe('the web app at /', () => {
  let srv: TestServer;
  let build: ReturnType<typeof fakeBuild>;
  before(async () => {
    build = fakeBuild();
    srv = await startServer(sqlite, { config: { WEB_DIR: build.web } });
  });
  after(async () => {
    await srv.stop();
    build.remove();
  });

  it('serves index.html at / to revalidate every time, with an ETag that answers 304', async () => {
    const r = await get(srv.url, '/', { accept: HTML });
    assert.equal(r.status, 200);
    assert.equal(r.body, INDEX);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assertSecurityHeaders(r, 'GET /');
    const etag = String(r.headers.etag);
    assert.ok(etag.length > 2, 'an ETag');
    const again = await get(srv.url, '/', { accept: HTML, 'if-none-match': etag });
    assert.equal(again.status, 304);
    // Asked for without text/html (curl, a health probe), / is still the app.
    assert.equal((await get(srv.url, '/')).body, INDEX);
  });

  it('serves hashed assets as immutable for a year, and unhashed files to revalidate', async () => {
    const js = await get(srv.url, '/assets/app-abc123.js');
    assert.equal(js.status, 200);
    assert.equal(js.body, SCRIPT);
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    const icon = await get(srv.url, '/favicon.svg');
    assert.equal(icon.status, 200);
    assert.equal(icon.headers['cache-control'], 'no-cache');
  });

  it('serves the precompressed twin to a client that accepts it, and the plain file otherwise', async () => {
    const br = await get(srv.url, '/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers.vary), /accept-encoding/i);
    assert.match(String(br.headers['content-type']), /javascript/);
    const plain = await get(srv.url, '/assets/app-abc123.js', { 'accept-encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, SCRIPT);
  });

  it('answers a browser navigation to any app path (a deep link) with index.html', async () => {
    for (const path of ['/r/abc/m/def', '/invite/XYZ', '/login', '/r/abc?highlight=1', '/settings/profile/']) {
      const r = await get(srv.url, path, { accept: HTML });
      assert.equal(r.status, 200, path);
      assert.equal(r.body, INDEX, path);
      assert.equal(r.headers['cache-control'], 'no-cache', path);
      assertSecurityHeaders(r, path);
    }
  });

  it('does not answer a non-navigation with the app: the JSON 404 (a fetch, a script, a POST)', async () => {
    const notHtml = await get(srv.url, '/r/abc', { accept: 'application/json' });
    assert.equal(notHtml.status, 404);
    assert.equal(json(notHtml).error?.code, 'not_found');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await raw(srv.url, '/r/abc', { method, headers: { accept: HTML } });
      assert.equal(r.status, 404, method);
      assert.equal(json(r).error?.code, 'not_found', method);
    }
  });

  it('answers a missing asset with the JSON 404, never with index.html', async () => {
    for (const path of ['/assets/nope.js', '/assets/app-abc124.js', '/assets/']) {
      for (const accept of [HTML, '*/*']) {
        const r = await get(srv.url, path, { accept });
        assert.equal(r.status, 404, `${path} ${accept}`);
        assert.equal(json(r).error?.code, 'not_found', path);
        assertSecurityHeaders(r, path);
      }
    }
  });

  it('never shadows the API: API paths get the API answer even when the request asks for HTML', async () => {
    const cases: [string, number, string | undefined][] = [
      ['/rooms', 401, 'unauthenticated'],
      ['/rooms/x/y', 404, 'not_found'],
      ['/auth/me', 401, 'unauthenticated'],
      ['/users/me', 401, 'unauthenticated'],
      // Only POST opens a direct room: a GET there is 405 (with Allow), still the API's answer.
      ['/direct/someone', 405, 'method_not_allowed'],
      ['/notifications', 401, 'unauthenticated'],
      ['/ws', 404, 'not_found'],
      ['/metrics', 404, 'not_found'],
      ['/healthz', 200, undefined],
      ['/%72ooms/x/y', 404, 'not_found'],
    ];
    for (const [path, status, code] of cases) {
      const r = await get(srv.url, path, { accept: HTML });
      assert.equal(r.status, status, `${path}: ${r.body.slice(0, 100)}`);
      assert.match(String(r.headers['content-type']), /^application\/json/, path);
      if (code) assert.equal(json(r).error?.code, code, path);
      assertSecurityHeaders(r, path);
    }
    // Whatever the API says to these (its rules may change), it is the API's JSON, not the app.
    for (const path of ['/invites/NOPE', '/messages/nope', '/presence', '/users/nope/x']) {
      const r = await get(srv.url, path, { accept: HTML });
      assert.match(String(r.headers['content-type']), /^application\/json/, `${path}: ${r.status} ${r.body.slice(0, 100)}`);
      assert.ok(json(r).error?.code, path);
    }
    const spec = await get(srv.url, '/openapi.json', { accept: HTML });
    assert.equal(spec.status, 200);
    assert.ok(JSON.parse(spec.body).openapi);
  });

  it('lists every documented API path under API_PATH_PREFIXES (a new resource must be added there)', async () => {
    const spec = JSON.parse((await get(srv.url, '/openapi.json')).body) as { paths: Record<string, unknown> };
    const paths = Object.keys(spec.paths);
    assert.ok(paths.length > 20, `the spec lists the API (${paths.length} paths)`);
    const missing = paths.filter((p) => !isApiPath(p));
    assert.deepEqual(missing, [], `add their first segment to API_PATH_PREFIXES (${API_PATH_PREFIXES.join(', ')})`);
  });

  it('answers HEAD like GET, without a body', async () => {
    for (const [path, cache] of [
      ['/', 'no-cache'],
      ['/r/abc/m/def', 'no-cache'],
      ['/assets/app-abc123.js', 'public, max-age=31536000, immutable'],
    ] as const) {
      const r = await raw(srv.url, path, { method: 'HEAD', headers: { accept: HTML } });
      assert.equal(r.status, 200, path);
      assert.equal(r.body, '', path);
      assert.equal(r.headers['cache-control'], cache, path);
    }
    const missing = await raw(srv.url, '/assets/nope.js', { method: 'HEAD', headers: { accept: HTML } });
    assert.equal(missing.status, 404);
  });

  it('refuses paths that climb out of the web directory, encoded or not', async () => {
    const paths = [
      '/..%2f..%2fetc/passwd',
      '/..%2fsecret.txt',
      '/assets/../../secret.txt',
      '/assets/../../package.json',
      '/../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%5c..%5csecret.txt',
      '//secret.txt',
    ];
    for (const path of paths) {
      for (const accept of [HTML, '*/*']) {
        const r = await get(srv.url, path, { accept });
        assert.equal(r.status, 404, `${path} (${accept}): ${r.status} ${r.body.slice(0, 80)}`);
        assert.equal(json(r).error?.code, 'not_found', path);
        assert.doesNotMatch(r.body, /TOP-SECRET|root:|"workspaces"/, path);
      }
    }
  });

  it('picks up a rebuild while running: files are looked up per request', async () => {
    assert.equal((await get(srv.url, '/assets/later-def456.js')).status, 404);
    writeFileSync(join(build.web, 'assets', 'later-def456.js'), 'export {};\n');
    const r = await get(srv.url, '/assets/later-def456.js');
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
  });
});

describe('the web app not built', () => {
  let srv: TestServer;
  let build: ReturnType<typeof fakeBuild>;
  before(async () => {
    build = fakeBuild();
    rmSync(join(build.web, 'index.html'));
    srv = await startServer(sqlite, { config: { WEB_DIR: build.web } });
  });
  after(async () => {
    await srv.stop();
    build.remove();
  });

  it('still starts, and / and navigations get a page saying how to build it', async () => {
    for (const [path, accept] of [
      ['/', '*/*'],
      ['/', HTML],
      ['/r/abc', HTML],
    ]) {
      const r = await get(srv.url, path!, { accept: accept! });
      assert.equal(r.status, 503, path);
      assert.match(String(r.headers['content-type']), /^text\/html/, path);
      assert.match(r.body, /not built/);
      assert.match(r.body, /npm run build:web/);
      assertSecurityHeaders(r, path!);
    }
    assert.equal((await get(srv.url, '/healthz', { accept: HTML })).status, 200, 'the API is up');
    assert.equal((await get(srv.url, '/assets/nope.js', { accept: HTML })).status, 404);
  });

  it('serves the app once it is built, without a restart', async () => {
    writeFileSync(join(build.web, 'index.html'), INDEX);
    const r = await get(srv.url, '/r/abc', { accept: HTML });
    assert.equal(r.status, 200);
    assert.equal(r.body, INDEX);
  });
});

describe('WEB_UI=false', () => {
  let srv: TestServer;
  let build: ReturnType<typeof fakeBuild>;
  before(async () => {
    build = fakeBuild();
    srv = await startServer(sqlite, { config: { WEB_DIR: build.web, WEB_UI: 'false' } });
  });
  after(async () => {
    await srv.stop();
    build.remove();
  });

  it('serves the API only: the app and its files are JSON 404s', async () => {
    for (const path of ['/', '/r/abc', '/assets/app-abc123.js', '/index.html']) {
      const r = await get(srv.url, path, { accept: HTML });
      assert.equal(r.status, 404, path);
      assert.equal(json(r).error?.code, 'not_found', path);
    }
    assert.equal((await get(srv.url, '/healthz')).status, 200);
  });
});
