import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { UpgradeRouter } from './upgrades.ts';

/** Sends an upgrade request to path and resolves to what the server answered first. */
function upgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ port, path, headers: { Connection: 'Upgrade', Upgrade: 'websocket' } });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve('upgraded');
    });
    req.on('response', (res) => resolve(String(res.statusCode)));
    req.on('error', reject);
    req.end();
  });
}

test('upgrades go to the transport owning the path (exact or prefix); any other path is refused with 404', async (t) => {
  const server = createServer();
  const router = new UpgradeRouter(server, pino({ level: 'silent' }));
  const seen: string[] = [];
  const accept = (name: string) => (_req: unknown, socket: Duplex) => {
    seen.push(name);
    socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  };
  router.route('/ws', accept('ws'));
  router.route('/socket.io/', accept('io'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;

  assert.equal(await upgrade(port, '/ws?token=x'), 'upgraded');
  assert.equal(await upgrade(port, '/socket.io/?EIO=4&transport=websocket'), 'upgraded');
  assert.equal(await upgrade(port, '/wsx'), '404');
  assert.equal(await upgrade(port, '/socket.iox'), '404');
  assert.deepEqual(seen, ['ws', 'io']);

  router.unroute('/ws');
  assert.equal(await upgrade(port, '/ws'), '404', 'an unrouted path is refused');
  router.close();
});
