import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { RoomsClient } from '@rooms/client';
import { dropRedisPrefix, freshRedisPrefix, nodeLauncher, sharedSecret, type Node } from '../helpers/cluster.ts';
import { ROOT } from '../helpers/processes.ts';
import { freePort } from '../helpers/ports.ts';
import { TEST_SETUP_TOKEN } from '../helpers/server.ts';
import { freshPostgresDatabase, serviceUrl, tempDir } from '../helpers/services.ts';

// The README's reverse-proxy recipe, tested as written: deploy/nginx.conf (only ports, names and
// certificate paths replaced) in front of two nodes on PostgreSQL + Redis, over TLS with a
// certificate made here. REST and the WebSocket go through it, the Origin check holds behind it,
// and when a node is killed its clients come back through the proxy on the other one with
// nothing lost.
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const pgUrl = serviceUrl('TEST_DATABASE_URL');
const redisUrl = serviceUrl('TEST_REDIS_URL');
if (!NGINX && process.env.CI) throw new Error('nginx is not installed, and CI must not skip the reverse-proxy suite (.ci/run installs it)');
const skip = !NGINX
  ? 'nginx is not installed (apt-get install nginx-light)'
  : !(pgUrl && redisUrl)
    ? 'TEST_DATABASE_URL / TEST_REDIS_URL not set'
    : false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('behind nginx with TLS: two nodes, REST and WebSocket, a node killed', { skip }, () => {
  const dir = tempDir('rooms-nginx-');
  const launcher = nodeLauncher();
  const prefix = freshRedisPrefix();
  let dropDb: (() => Promise<void>) | undefined;
  let nodeEnv: Record<string, string | undefined> = {};
  let nginx: ChildProcess | undefined;
  let nodes: Node[] = [];
  let base = '';
  let httpPort = 0;
  let httpsPort = 0;

  before(async () => {
    // A self-signed certificate for localhost, trusted by this process only.
    const cert = join(dir.path, 'cert.pem');
    const key = join(dir.path, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(cert, 'utf8')]);

    const db = await freshPostgresDatabase(pgUrl!);
    dropDb = db.drop;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      JWT_SECRET: sharedSecret(),
      TRUST_PROXY: 'loopback',
      SETUP_TOKEN: TEST_SETUP_TOKEN,
      MESSAGE_RATE_LIMIT: '100000',
    };
    nodeEnv = env;
    nodes = [await launcher.start(env), await launcher.start(env)];

    httpPort = await freePort();
    httpsPort = await freePort();
    const site = readFileSync(join(ROOT, 'deploy/nginx.conf'), 'utf8')
      .replace('127.0.0.1:8080', new URL(nodes[0]!.url).host)
      .replace('127.0.0.1:8081', new URL(nodes[1]!.url).host)
      .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`)
      .replaceAll('chat.example.com', 'localhost')
      .replace('/etc/ssl/rooms/fullchain.pem', cert)
      .replace('/etc/ssl/rooms/privkey.pem', key);
    assert.doesNotMatch(
      site,
      /:8080|:8081|listen 80;|listen 443|example\.com|\/etc\/ssl/,
      'every placeholder was replaced: the recipe is what runs',
    );
    const tmp = join(dir.path, 'tmp');
    mkdirSync(tmp);
    const main = `daemon off;
worker_processes 1;
pid ${join(dir.path, 'nginx.pid')};
error_log ${join(dir.path, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${tmp}/body; proxy_temp_path ${tmp}/proxy; fastcgi_temp_path ${tmp}/fastcgi; uwsgi_temp_path ${tmp}/uwsgi; scgi_temp_path ${tmp}/scgi;
  include ${join(dir.path, 'site.conf')};
}
`;
    writeFileSync(join(dir.path, 'site.conf'), site);
    writeFileSync(join(dir.path, 'nginx.conf'), main);
    nginx = spawn(NGINX!, ['-c', join(dir.path, 'nginx.conf'), '-e', join(dir.path, 'error.log')], { stdio: 'ignore' });
    base = `https://localhost:${httpsPort}`;
    await waitFor('nginx', async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true);
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    await launcher.cleanup();
    await dropDb?.();
    await dropRedisPrefix(redisUrl!, prefix);
    if (!process.env.KEEP_NGINX_DIR) dir.remove();
  });

  it('redirects http to https, and serves REST over TLS from both nodes', async () => {
    const plain = await fetch(`http://localhost:${httpPort}/healthz`, { redirect: 'manual' });
    assert.equal(plain.status, 301);
    assert.equal(plain.headers.get('location'), `https://localhost/healthz`);
    const alice = new RoomsClient({ baseUrl: base });
    await alice.auth.signup({
      username: 'alice_proxy',
      email: 'alice@example.test',
      password: 'correct horse battery',
      setup_token: TEST_SETUP_TOKEN,
    });
    // Round-robin: several requests reach both nodes, and each accepts the other's token.
    for (let i = 0; i < 6; i++) assert.equal((await alice.auth.me()).username, 'alice_proxy');
  });

  it('lets the page at its own https origin open the WebSocket, and refuses another origin', async () => {
    const alice = new RoomsClient({ baseUrl: base });
    await alice.auth.login({ username: 'alice_proxy', password: 'correct horse battery' });
    const { default: WebSocket } = await import('ws');
    const open = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`wss://localhost:${httpsPort}/ws?token=${alice.token}`, { headers: { origin }, perMessageDeflate: false });
        ws.once('open', () => (ws.close(), resolve(101)));
        ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.once('error', reject);
      });
    assert.equal(
      await open(`https://localhost:${httpsPort}`),
      101,
      'same origin through the proxy: X-Forwarded-Proto and -Host are believed',
    );
    assert.equal(await open(`http://localhost:${httpsPort}`), 403, 'an http page may not open the https socket');
    assert.equal(await open('https://evil.example.test'), 403);
  });

  it('a node killed mid-conversation: its clients resume on the other one through the proxy, nothing lost or repeated', async () => {
    const alice = new RoomsClient({ baseUrl: base });
    await alice.auth.login({ username: 'alice_proxy', password: 'correct horse battery' });
    const bob = new RoomsClient({ baseUrl: base });
    await bob.auth.signup({ username: 'bob_proxy', email: 'bob@example.test', password: 'correct horse battery' });
    const room = await alice.rooms.create({ name: 'through-nginx', type: 'public' });
    await bob.rooms.join(room.id);

    const seen: { seq: number; content: string }[] = [];
    const bobLive = bob.live({ heartbeat: { intervalMs: 1000 }, backoff: { baseMs: 50, maxMs: 500 } });
    bobLive.on('event', (e) => {
      if (e.type === 'message_created' && e.room_id === room.id)
        seen.push({ seq: e.seq!, content: (e.data as { message: { content: string } }).message.content });
    });
    const aliceLive = alice.live({ heartbeat: { intervalMs: 1000 }, backoff: { baseMs: 50, maxMs: 500 } });
    const statuses: string[] = [];
    bobLive.on('status', (s) => statuses.push(String(s)));
    bobLive.start();
    aliceLive.start();
    try {
      const sends: Promise<unknown>[] = [];
      const send = (i: number) => sends.push(aliceLive.send(room.id, `m${i}`));
      for (let i = 0; i < 20; i++) send(i);
      await waitFor('the first messages', () => seen.length >= 20);

      // Kill one node, bring it back on its port, then kill the other: whichever node each client
      // was on, it loses it at least once and comes back through the proxy.
      const [first, second] = nodes as [Node, Node];
      first.proc.child.kill('SIGKILL');
      await first.proc.exited;
      for (let i = 20; i < 40; i++) {
        send(i);
        await sleep(10);
      }
      await waitFor('the messages after the first kill', () => seen.length >= 40, 30_000);
      nodes[0] = await launcher.start({ ...nodeEnv, PORT: new URL(first.url).port });
      // nginx tries a failed node again after the recipe's fail_timeout (5 s): before that, killing the
      // other node would leave it no live upstream (502), as it would in a rolling restart done too fast.
      await sleep(5_500);
      for (let i = 0; i < 4; i++) assert.equal((await fetch(`${base}/readyz`)).status, 200, 'both nodes answer through the proxy again');
      second.proc.child.kill('SIGKILL');
      await second.proc.exited;
      for (let i = 40; i < 60; i++) {
        send(i);
        await sleep(10);
      }
      await Promise.all(sends);
      await waitFor('every message after the kill', () => seen.length >= 60, 30_000);
      await sleep(300);
      assert.deepEqual(
        seen.map((s) => s.content),
        Array.from({ length: 60 }, (_, i) => `m${i}`),
        'every message, once, in order',
      );
      for (let i = 1; i < seen.length; i++) assert.equal(seen[i]!.seq, seen[i - 1]!.seq + 1, 'no gap in the room log');
      assert.ok(statuses.filter((x) => x === 'connected').length >= 2, `bob reconnected after losing his node (${statuses.join(' → ')})`);
      const stored = await bob.messages.list(room.id, { limit: 100 });
      assert.equal(
        stored.items.filter((m) => m.type !== 'system').length,
        60,
        "stored once each (beside the system message of Bob's join)",
      );
    } finally {
      bobLive.stop();
      aliceLive.stop();
    }
  });
});
