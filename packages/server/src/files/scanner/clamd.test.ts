import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../config/config.ts';
import { ScannerUnavailableError } from '../../ports/scanner.ts';
import { EICAR, smallImages } from '../../../test/helpers/corpus/malicious.ts';
import { buildZip } from '../../../test/helpers/corpus/zip-writer.ts';
import { tempDir } from '../../../test/helpers/services.ts';
import { ClamdScanner, createScanner, parseClamdUrl } from './index.ts';

/**
 * clamd as scripts/clamd-test.sh starts it (.ci/run does): TEST_CLAMD_URL (tcp://) and
 * TEST_CLAMD_SOCKET_URL (unix:). Locally the suite skips without them; in CI their absence fails
 * it, as for the other services (test/helpers/services.ts).
 */
const clamdUrl = process.env.TEST_CLAMD_URL || undefined;
const clamdSocketUrl = process.env.TEST_CLAMD_SOCKET_URL || undefined;
if (!clamdUrl && process.env.CI)
  throw new Error('TEST_CLAMD_URL is not set, and CI must not skip the clamd suite (scripts/clamd-test.sh starts clamd)');

/** A string only the test signature database knows (the built-in scanner lets it through). */
const MARKER = Buffer.from('ROOMS-CLAMD-TEST-MARKER-5f3c9a');

const dir = tempDir('rooms-clamd-');
after(() => dir.remove());
let n = 0;
const file = (data: Buffer) => {
  const path = join(dir.path, `f${n++}`);
  writeFileSync(path, data);
  return path;
};
const scanWith = (scanner: { scan: ClamdScanner['scan'] }, data: Buffer) => scanner.scan(file(data), { mimeType: null, size: data.length });

describe('clamd scanner against a real clamd', { skip: clamdUrl ? false : 'TEST_CLAMD_URL is not set (scripts/clamd-test.sh)' }, () => {
  const clamd = new ClamdScanner(clamdUrl ?? 'tcp://127.0.0.1:1', 10_000);

  it('answers PING', async () => {
    assert.equal(await clamd.ping(), true);
  });

  it('refuses the EICAR test file as malware_detected', async () => {
    const verdict = await scanWith(clamd, EICAR);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) {
      assert.equal(verdict.code, 'malware_detected');
      assert.match(verdict.reason, /Eicar/);
    }
  });

  it('refuses EICAR inside a zip (clamd unpacks it)', async () => {
    const verdict = await scanWith(clamd, buildZip([{ name: 'a/b.txt', data: EICAR }]));
    assert.equal(verdict.ok, false);
  });

  it('accepts clean files: text, a PNG, 10 MB of random bytes sent in many chunks', async (t) => {
    assert.deepEqual(await scanWith(clamd, Buffer.from('just a note about a script\n')), { ok: true });
    assert.deepEqual(await scanWith(clamd, (await smallImages()).png), { ok: true });
    const big = randomBytes(10 * 1024 * 1024);
    const start = performance.now();
    assert.deepEqual(await scanWith(clamd, big), { ok: true });
    t.diagnostic(`clamd: 10 MB scanned in ${(performance.now() - start).toFixed(0)} ms`);
  });

  it('finds a signature near the end of a 10 MB stream (every chunk reached clamd)', async () => {
    const big = randomBytes(10 * 1024 * 1024);
    MARKER.copy(big, big.length - 100);
    const verdict = await scanWith(clamd, big);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.match(verdict.reason, /Rooms-Clamd-Test-Marker/);
  });

  it('over a unix socket as well', { skip: clamdSocketUrl ? false : 'TEST_CLAMD_SOCKET_URL is not set' }, async () => {
    const viaSocket = new ClamdScanner(clamdSocketUrl!, 10_000);
    assert.equal(await viaSocket.ping(), true);
    const verdict = await scanWith(viaSocket, EICAR);
    assert.equal(verdict.ok, false);
    assert.deepEqual(await scanWith(viaSocket, Buffer.from('clean')), { ok: true });
  });

  it('createScanner asks clamd in addition to the built-in checks when CLAMD_URL is set', async () => {
    const combined = createScanner(loadConfig({ CLAMD_URL: clamdUrl }));
    assert.equal(combined.name, 'builtin+clamd');
    assert.deepEqual(await createScanner(loadConfig({})).scan(file(MARKER), { mimeType: null, size: MARKER.length }), { ok: true });
    const verdict = await scanWith(combined, MARKER);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.match(verdict.reason, /ClamAV found Rooms-Clamd-Test-Marker/);
    assert.deepEqual(await scanWith(combined, Buffer.from('clean')), { ok: true });
    await combined.close();
  });
});

describe('clamd scanner fails closed', () => {
  const listen = (onConnection: Parameters<typeof createServer>[1]): Promise<Server> =>
    new Promise((resolve) => {
      const server = createServer(onConnection).listen(0, '127.0.0.1', () => resolve(server));
    });
  const portOf = (server: Server) => (server.address() as { port: number }).port;

  it('throws ScannerUnavailableError when nothing listens at the address (TCP and unix socket)', async () => {
    const server = await listen(() => {});
    const port = portOf(server);
    await new Promise((r) => server.close(r));
    await assert.rejects(scanWith(new ClamdScanner(`tcp://127.0.0.1:${port}`, 2000), Buffer.from('x')), ScannerUnavailableError);
    await assert.rejects(scanWith(new ClamdScanner(`unix:${join(dir.path, 'no.sock')}`, 2000), Buffer.from('x')), ScannerUnavailableError);
    assert.equal(await new ClamdScanner(`tcp://127.0.0.1:${port}`, 2000).ping(), false);
  });

  it('throws ScannerUnavailableError when clamd does not answer in time', async () => {
    const sockets: Socket[] = [];
    const server = await listen((s) => {
      sockets.push(s);
      s.resume();
    });
    const start = performance.now();
    await assert.rejects(scanWith(new ClamdScanner(`tcp://127.0.0.1:${portOf(server)}`, 300), Buffer.from('x')), ScannerUnavailableError);
    assert.ok(performance.now() - start < 2000);
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('throws ScannerUnavailableError on an ERROR answer or a dropped connection', async () => {
    const erroring = await listen((s) => {
      s.once('data', () => s.end('INSTREAM size limit exceeded. ERROR\0'));
      s.on('error', () => {});
    });
    await assert.rejects(
      scanWith(new ClamdScanner(`tcp://127.0.0.1:${portOf(erroring)}`, 2000), randomBytes(1024 * 1024)),
      ScannerUnavailableError,
    );
    const dropping = await listen((s) => s.destroy());
    await assert.rejects(
      scanWith(new ClamdScanner(`tcp://127.0.0.1:${portOf(dropping)}`, 2000), Buffer.from('x')),
      ScannerUnavailableError,
    );
    await new Promise((r) => erroring.close(r));
    await new Promise((r) => dropping.close(r));
  });

  it('the composed scanner fails closed too: a dead CLAMD_URL makes a clean upload throw', async () => {
    const server = await listen(() => {});
    const port = portOf(server);
    await new Promise((r) => server.close(r));
    const combined = createScanner(loadConfig({ CLAMD_URL: `tcp://127.0.0.1:${port}`, CLAMD_TIMEOUT: '2' }));
    await assert.rejects(scanWith(combined, Buffer.from('clean')), ScannerUnavailableError);
  });

  it('parses tcp:// and unix: addresses and rejects others', () => {
    assert.deepEqual(parseClamdUrl('tcp://127.0.0.1:3310'), { host: '127.0.0.1', port: 3310 });
    assert.deepEqual(parseClamdUrl('tcp://[::1]:3310'), { host: '::1', port: 3310 });
    assert.deepEqual(parseClamdUrl('unix:/run/clamav/clamd.ctl'), { path: '/run/clamav/clamd.ctl' });
    assert.deepEqual(parseClamdUrl('unix:///run/clamav/clamd.ctl'), { path: '/run/clamav/clamd.ctl' });
    assert.throws(() => parseClamdUrl('http://x:1'));
    assert.throws(() => loadConfig({ CLAMD_URL: 'clamd.local' }), /CLAMD_URL/);
    assert.equal(loadConfig({ CLAMD_URL: '' }).CLAMD_URL, undefined);
  });
});
