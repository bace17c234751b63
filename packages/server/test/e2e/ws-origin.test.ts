import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { signup, type TestServer, wsSetups } from '../helpers/ws-suite.ts';

/** The upgrade's answer (101, or the status it was refused with) for these request headers. */
function upgrade(base: string, token: string, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?token=${token}`, { headers, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

// The same-origin rule compares the scheme too: a page served over http must not open the socket of
// a server reached over https (or the reverse), whatever the host says.
for (const setup of wsSetups()) {
  describe(`WebSocket Origin: scheme and host: ${setup.name}`, { skip: setup.skip }, () => {
    let direct: TestServer;
    let proxied: TestServer;
    before(async () => {
      direct = await setup.start();
      proxied = await setup.start({ config: { TRUST_PROXY: 'loopback' } });
    });
    after(async () => {
      await direct.stop();
      await proxied.stop();
    });

    it('a server reached over plain http accepts its http origin and refuses the https one, whatever an untrusted X-Forwarded-Proto says', async () => {
      const u = await signup(direct.url);
      const host = new URL(direct.url).host;
      assert.equal(await upgrade(direct.url, u.token, { origin: `http://${host}` }), 101);
      assert.equal(await upgrade(direct.url, u.token, { origin: `https://${host}` }), 403);
      assert.equal(
        await upgrade(direct.url, u.token, { origin: `https://${host}`, 'x-forwarded-proto': 'https' }),
        403,
        'TRUST_PROXY is off: the header is not believed',
      );
    });

    it('behind a trusted proxy that says https, the https origin is the same origin and the http one is not', async () => {
      const u = await signup(proxied.url);
      const host = new URL(proxied.url).host;
      assert.equal(await upgrade(proxied.url, u.token, { origin: `https://${host}`, 'x-forwarded-proto': 'https' }), 101);
      assert.equal(await upgrade(proxied.url, u.token, { origin: `http://${host}`, 'x-forwarded-proto': 'https' }), 403);
      assert.equal(
        await upgrade(proxied.url, u.token, { origin: `https://${host}`, 'x-forwarded-proto': 'http, https' }),
        101,
        'the last hop counts',
      );
      assert.equal(await upgrade(proxied.url, u.token, { origin: `http://${host}` }), 101, "no header: the request's own scheme");
    });

    it('a proxy that passes its upstream name as Host: X-Forwarded-Host names the origin, from a trusted proxy only', async () => {
      const u = await signup(proxied.url);
      const publicHost = 'chat.example.test:8443';
      const asked = { origin: `https://${publicHost}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': publicHost };
      assert.equal(await upgrade(proxied.url, u.token, asked), 101);
      assert.equal(
        await upgrade(proxied.url, u.token, { ...asked, 'x-forwarded-host': `evil.example.test, ${publicHost}` }),
        101,
        'the last hop counts',
      );
      assert.equal(
        await upgrade(proxied.url, u.token, { ...asked, origin: 'https://evil.example.test' }),
        403,
        'another origin is still refused',
      );
      assert.equal(await upgrade(direct.url, u.token, asked), 403, 'TRUST_PROXY is off: the header is not believed');
    });
  });
}
