import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { freePort } from '../helpers/ports.ts';
import { ChatroomClient } from '../helpers/tcp-client.ts';
import { loadConfig } from '../../src/config/config.ts';
import { signup, type TestServer, wsSetups } from '../helpers/ws-suite.ts';

// How a TCP gateway session ends besides LOGOUT: idle for TIME_OUT, the server stopping, the
// Rooms session revoked elsewhere; and that the gateway is off unless configured.

for (const setup of wsSetups()) {
  describe(`TCP gateway sessions ending: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let port: number;
    const tcpClients: ChatroomClient[] = [];
    const loggedIn = async () => {
      const user = await signup(srv.url);
      const tcp = new ChatroomClient(port);
      tcpClients.push(tcp);
      assert.equal((await tcp.login(user.username, user.password)).command, 'OK');
      return { user, tcp };
    };

    before(async () => {
      port = await freePort();
      srv = await setup.start({ config: { TCP_GATEWAY_PORT: port, TIME_OUT: 2 } });
    });
    afterEach(async () => {
      for (const c of tcpClients.splice(0)) await c.close();
    });
    after(() => srv.stop());

    it('TIME_OUT without a request: the client is told why, and its session is over', async () => {
      const { tcp } = await loggedIn();
      const started = Date.now();
      assert.equal((await tcp.who()).command, 'OK', 'a request restarts the idle clock');
      const push = await tcp.nextPush((p) => p.command === 'LOGOUT', 6000);
      assert.deepEqual(push, {
        command: 'LOGOUT',
        from: 'SERVER',
        message: 'You have been disconnected by the server due to being inactive.',
      });
      assert.ok(Date.now() - started >= 1500, 'not before TIME_OUT');
      assert.equal((await tcp.who()).command, 'NOT_LOGGED_IN');
    });

    it('a revoked Rooms session (log out everywhere from the web) ends the TCP session, with a LOGOUT saying so', async () => {
      const { user, tcp } = await loggedIn();
      assert.equal((await user.api.post('/auth/logout-all')).status, 200);
      const push = await tcp.nextPush((p) => p.command === 'LOGOUT', 5000);
      assert.equal(push.from, 'SERVER');
      assert.match(push.message, /^You have been disconnected by the server: session revoked\.$/);
      assert.equal((await tcp.who()).command, 'NOT_LOGGED_IN');
    });

    it('the server stopping tells every client, and stop waits for it', async () => {
      const { tcp } = await loggedIn();
      await srv.stopApp();
      assert.deepEqual(await tcp.nextPush((p) => p.command === 'LOGOUT', 100), {
        command: 'LOGOUT',
        from: 'SERVER',
        message: 'You have been disconnected by the server because the server is shutting down.',
      });
      await srv.startApp();
      const again = await loggedIn();
      assert.equal((await again.tcp.who()).command, 'OK', 'the restarted server listens again');
    });
  });
}

describe('TCP gateway settings', () => {
  it('off unless TCP_GATEWAY_PORT is set (an empty value too); the host defaults to HOST', () => {
    assert.equal(loadConfig({}).TCP_GATEWAY_PORT, undefined);
    assert.equal(loadConfig({ TCP_GATEWAY_PORT: '' }).TCP_GATEWAY_PORT, undefined);
    const on = loadConfig({ TCP_GATEWAY_PORT: '4119', HOST: '127.0.0.1' });
    assert.equal(on.TCP_GATEWAY_PORT, 4119);
    assert.equal(on.TCP_GATEWAY_HOST, undefined, 'the gateway then listens on HOST (app.ts)');
    assert.throws(() => loadConfig({ TCP_GATEWAY_PORT: '70000' }));
  });
});
