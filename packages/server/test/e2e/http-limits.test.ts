import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

const sqlite = backends().find((b) => b.name === 'sqlite')!;

/** A raw TCP client from a chosen loopback address: what it received, and whether it is closed. */
interface Raw {
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
}

/** Connects from localAddress (127.0.0.0/8 are all this host) and resolves once connected; `closed` resolves to the ms it stayed open. */
function rawConnect(url: string, localAddress: string): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), localAddress });
    const opened = performance.now();
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('error', () => {}); // a reset by the server shows as the close
    const closed = new Promise<number>((r) => socket.once('close', () => r(performance.now() - opened)));
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** Sends a GET /healthz on a raw socket and says whether a 200 came back before `ms` (false when the server closed it unanswered). */
async function answers(raw: Raw, ms = 2000): Promise<boolean> {
  const before = raw.received().length;
  raw.socket.write('GET /healthz HTTP/1.1\r\nHost: rooms\r\n\r\n');
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (raw.received().slice(before).startsWith('HTTP/1.1 200')) return true;
    if (raw.socket.destroyed) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

/** Resolves with the ms until `raw` closed, or undefined if it is still open after `ms`. */
const closedWithin = (raw: Raw, ms: number) =>
  Promise.race([raw.closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);

describe('slow requests are cut after REQUEST_TIMEOUT', () => {
  let srv: TestServer;
  const open: Raw[] = [];
  before(async () => {
    srv = await startServer(sqlite, { config: { REQUEST_TIMEOUT: 1 } });
  });
  after(async () => {
    for (const r of open) r.socket.destroy();
    await srv.stop();
  });

  /** Opens a socket that sends `head` at once, then one byte of `drip` every 200 ms. */
  async function dribble(head: string, drip = 'x'): Promise<Raw> {
    const raw = await rawConnect(srv.url, '127.0.0.1');
    open.push(raw);
    raw.socket.write(head);
    const timer = setInterval(() => raw.socket.writable && raw.socket.write(drip), 200);
    void raw.closed.then(() => clearInterval(timer));
    return raw;
  }

  it('a body announced as 1 MB and dribbled a byte at a time: 408 and closed within the timeout (plus the 1 s check)', async () => {
    const raw = await dribble(
      'POST /auth/login HTTP/1.1\r\nHost: rooms\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{',
    );
    const ms = await closedWithin(raw, 6000);
    assert.ok(ms !== undefined, 'the connection is still open after 6 s');
    assert.ok(ms >= 900 && ms < 4000, `closed after ${Math.round(ms)} ms`);
    assert.match(raw.received(), /^HTTP\/1\.1 408 /);
  });

  it('headers dribbled a byte at a time (slowloris): closed too', async () => {
    const raw = await dribble('GET /healthz HTTP/1.1\r\nHost: rooms\r\nX-Slow: ', 'a');
    const ms = await closedWithin(raw, 6000);
    assert.ok(ms !== undefined && ms < 4000, `closed after ${ms} ms`);
  });

  it('a connection that sends nothing is closed too', async () => {
    const raw = await rawConnect(srv.url, '127.0.0.1');
    open.push(raw);
    const ms = await closedWithin(raw, 6000);
    assert.ok(ms !== undefined && ms < 4000, `closed after ${ms} ms`);
  });

  it('a normal client, whose requests arrive at once, is unaffected; an idle keep-alive socket outlives the timeout', async () => {
    const u = await signup(srv.url);
    assert.equal((await u.api.get('/auth/me')).status, 200);
    const raw = await rawConnect(srv.url, '127.0.0.1');
    open.push(raw);
    assert.equal(await answers(raw), true);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await answers(raw), true, 'the same socket, idle between its requests for longer than REQUEST_TIMEOUT, still answers');
  });
});

describe('open connections per IP (MAX_CONNECTIONS_PER_IP)', () => {
  let srv: TestServer;
  let token: string;
  const open: Raw[] = [];
  const MAX = 3;
  // The limited peer is 127.0.0.3: fetch() (signup) keeps its own sockets from 127.0.0.1.
  const PEER = '127.0.0.3';
  before(async () => {
    srv = await startServer(sqlite, { config: { MAX_CONNECTIONS_PER_IP: MAX } });
    token = (await signup(srv.url)).token;
  });
  after(async () => {
    for (const r of open) r.socket.destroy();
    await srv.stop();
  });

  const from = async (address: string) => {
    const raw = await rawConnect(srv.url, address);
    open.push(raw);
    return raw;
  };

  /** Retries a fresh connection until the server has counted a close (its 'close' may lag the client's). */
  async function acceptedAgain(): Promise<boolean> {
    const deadline = performance.now() + 2000;
    while (performance.now() < deadline) {
      if (await answers(await from(PEER), 500)) return true;
    }
    return false;
  }

  it('refuses the (N+1)th connection of one IP while N are open, WebSockets included; accepts again after one closes', async () => {
    const ws = new WebSocket(`${srv.url.replace(/^http/, 'ws')}/ws?token=${token}`, { localAddress: PEER, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const held = [await from(PEER), await from(PEER)];
    for (const r of held) assert.equal(await answers(r), true, 'the first N are served');

    const extra = await from(PEER);
    assert.equal(await answers(extra), false, 'the (N+1)th is closed unanswered');
    assert.ok((await closedWithin(extra, 1000)) !== undefined);

    const other = await from('127.0.0.4');
    assert.equal(await answers(other), true, 'another IP is unaffected');
    assert.equal((await client(srv.url).get('/healthz')).status, 200);

    // Closing the WebSocket frees a place.
    ws.close();
    await new Promise((r) => ws.once('close', r));
    assert.equal(await acceptedAgain(), true, 'a place freed by a closed WebSocket is given again');
    // The new socket holds that place: full again.
    const again = await from(PEER);
    assert.equal(await answers(again), false);

    held[0]!.socket.destroy();
    assert.equal(await acceptedAgain(), true, 'a place freed by a closed socket is given again');
  });

  it('gives back every place: after 20 opened and closed sockets an IP still holds N', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await from('127.0.0.5');
      r.socket.destroy();
      await r.closed;
    }
    const held = [];
    for (let i = 0; i < MAX; i++) held.push(await from('127.0.0.5'));
    for (const r of held) assert.equal(await answers(r), true, 'no place leaked by the 20 closed sockets');
    assert.equal(await answers(await from('127.0.0.5')), false);
  });
});
