/**
 * @rooms/client outside this repository: packed as npm would publish it (built to JavaScript with
 * type declarations), unpacked in a temporary directory with no TypeScript in sight, and used by a
 * plain Node script (type stripping off) against a real server: sign up, log in, send, list.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startServer, TEST_SETUP_TOKEN, type TestServer } from '../../server/test/helpers/server.ts';
import { backends } from '../../server/test/helpers/services.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const manifest = (pkg: string) => readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8');

const SCRIPT = `
import { RoomsClient, allPages, isRoomsApiError } from '@rooms/client';
const [baseUrl, setupToken] = process.argv.slice(2);
const rooms = new RoomsClient({ baseUrl });
await rooms.auth.signup({ username: 'packed', email: 'packed@example.test', password: 'correct horse battery', setup_token: setupToken });
const again = new RoomsClient({ baseUrl });
const login = await again.auth.login({ username: 'packed', password: 'correct horse battery' });
const room = await again.rooms.create({ name: 'from a tarball' });
const { message } = await again.messages.send(room.id, { content: 'hello from plain node' });
const listed = [];
for await (const m of allPages((cursor) => again.messages.list(room.id, { limit: 1, cursor }))) listed.push(m.id);
let refused = '';
try { await again.users.byName('nobody_at_all'); } catch (err) { refused = isRoomsApiError(err) ? err.code : String(err); }
console.log(JSON.stringify({ kind: login.kind, sent: message.content, listed: listed.length, first: listed[0] === message.id, refused }));
`;

describe('@rooms/client packed and used outside the repository', { timeout: 300_000 }, () => {
  let srv: TestServer;
  let dir: string;
  before(async () => {
    srv = await startServer(backends()[0]!);
    dir = mkdtempSync(join(tmpdir(), 'rooms-client-pack-'));
  });
  after(async () => {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm pack builds JavaScript and declarations; plain Node imports it from a temp dir and talks to a server', async () => {
    const before = { client: manifest('client'), protocol: manifest('protocol') };
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir, '-w', '@rooms/protocol', '-w', '@rooms/client'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const packed = JSON.parse(out.slice(out.indexOf('['))) as { name: string; filename: string; files: { path: string }[] }[];
    assert.deepEqual(packed.map((p) => p.name).sort(), ['@rooms/client', '@rooms/protocol']);
    assert.deepEqual(
      { client: manifest('client'), protocol: manifest('protocol') },
      before,
      'the repository keeps its manifests (exports to the sources)',
    );

    const client = packed.find((p) => p.name === '@rooms/client')!;
    const files = client.files.map((f) => f.path);
    for (const f of ['README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts']) assert.ok(files.includes(f), f);
    assert.ok(!files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no TypeScript source');

    // Installed as npm would lay it out: the two tarballs, and their registry dependencies.
    for (const p of packed) {
      const to = join(dir, 'node_modules', p.name);
      mkdirSync(to, { recursive: true });
      execFileSync('tar', ['-xzf', join(dir, p.filename), '-C', to, '--strip-components=1']);
    }
    for (const dep of ['zod', 'ws']) symlinkSync(join(root, 'node_modules', dep), join(dir, 'node_modules', dep));
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/@rooms/client/package.json'), 'utf8'));
    assert.equal(pkg.private, undefined, 'publishable');
    assert.equal(pkg.exports['.'].node.default, './dist/node.js');
    assert.equal(pkg.scripts?.prepack, undefined);

    writeFileSync(join(dir, 'main.mjs'), SCRIPT);
    // Not execFileSync: the server runs in this process and must keep answering.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--no-experimental-strip-types', 'main.mjs', srv.url, TEST_SETUP_TOKEN],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(stdout.trim()), {
      kind: 'session',
      sent: 'hello from plain node',
      listed: 1,
      first: true,
      refused: 'user_not_found',
    });
  });
});
