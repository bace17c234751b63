import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validCorpus } from '../../server/test/helpers/corpus/valid.ts';
import { childEnv, ROOT } from '../../server/test/helpers/processes.ts';
import { client, signup, startServer, type TestServer } from '../../server/test/helpers/server.ts';
import { backends, tempDir, type Backend } from '../../server/test/helpers/services.ts';
import { upload } from '../../server/test/helpers/uploads.ts';
import { BIN } from './pty.ts';

/** `rooms …` as an operator runs it, with DATA_DIR set. */
function rooms(args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv({ DATA_DIR: dataDir, DATABASE_URL: undefined }) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end();
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** An SQLite server on an existing DATA_DIR (the restored one). */
const onDir = (dataDir: string): Backend => ({
  name: 'sqlite',
  available: true,
  provision: async () => ({ databaseUrl: undefined, dataDir, cleanup: async () => {} }),
});

describe('rooms backup / restore (SQLite): a consistent copy while the server writes', () => {
  const sqlite = backends()[0]!;
  let server: TestServer;
  let restored: TestServer | undefined;
  const dirs = [tempDir('rooms-backup-'), tempDir('rooms-restored-')];
  const [backupRoot, restoredDir] = dirs.map((d) => d.path) as [string, string];
  let dataDir: string;

  before(async () => {
    server = await startServer(sqlite, { config: { MESSAGE_RATE_LIMIT: 100_000 } });
    dataDir = server.app.config.DATA_DIR;
  });
  after(async () => {
    await restored?.stop();
    await server?.stop();
    for (const d of dirs) d.remove();
  });

  it('backs up under a write storm, restores, and the restored server serves a gapless prefix of the history with its files', async () => {
    const alice = await signup(server.url);
    const room = (await alice.api.post('/rooms', { name: 'storm', type: 'public' })).body;
    const png = (await validCorpus()).png;
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const up = await upload(server.url, alice.token, `chart-${i}.png`, png.data);
      assert.equal(up.status, 201, JSON.stringify(up.body));
      files.push(up.body.attachment.id);
    }
    assert.equal((await alice.api.post(`/rooms/${room.id}/messages`, { content: 'the charts', attachments: files })).status, 201);

    // Four senders write as fast as the server takes it while the backup runs in another process.
    let storming = true;
    let sent = 0;
    let failed: string | undefined;
    const senders = Array.from({ length: 4 }, async (_, w) => {
      while (storming) {
        const r = await alice.api.post(`/rooms/${room.id}/messages`, { content: `storm ${w}/${sent}` });
        if (r.status !== 201) {
          failed = `${r.status} ${JSON.stringify(r.body)}`;
          storming = false;
        } else sent++;
      }
    });
    const until = async (n: number) => {
      while (sent < n && !failed) await new Promise((r) => setTimeout(r, 20));
      assert.equal(failed, undefined, 'every send of the storm is accepted');
    };
    await until(50);
    const sentBefore = sent;
    const backup = await rooms(['backup', join(backupRoot, 'b1')], dataDir);
    const sentDuring = sent;
    await until(sentDuring + 50);
    storming = false;
    await Promise.all(senders);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /backup done in [\d.]+ s: 6 attachment file\(s\)/);
    const manifest = JSON.parse(readFileSync(join(backupRoot, 'b1', 'manifest.json'), 'utf8'));
    assert.equal(manifest.counts.attachments, 3);
    assert.ok(sentDuring > sentBefore || manifest.counts.messages > sentBefore, 'the storm kept writing while the backup ran');

    // Restore refuses a DATA_DIR that has a database, and a damaged backup.
    const busy = await rooms(['restore', join(backupRoot, 'b1')], dataDir);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /rooms\.sqlite exists: restore into a DATA_DIR without a database/);

    const restore = await rooms(['restore', join(backupRoot, 'b1')], restoredDir);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /checks passed: integrity, foreign keys, attachment files/);

    // The restored server: the same account logs in, the history is a gapless prefix of what was
    // sent (every message up to one point, none after it), the files come back byte for byte.
    restored = await startServer(onDir(restoredDir));
    const login = await client(restored.url).post('/auth/login', { username: alice.username, password: alice.password });
    assert.equal(login.status, 200);
    const api = client(restored.url, login.body.token);
    const seqs: number[] = [];
    let cursor: string | null | undefined;
    let firstPage: unknown[] | undefined;
    do {
      const page = await api.get(`/rooms/${room.id}/messages?limit=100${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      firstPage ??= page.body.items;
      for (const m of page.body.items) seqs.push(m.seq);
      cursor = page.body.next ?? page.body.next_cursor ?? null;
    } while (cursor);
    seqs.sort((a, b) => a - b);
    assert.equal(seqs.length, manifest.counts.messages, 'every message the backup counted is served');
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, `no gap in the room's log at seq ${seqs[i - 1]}`);
    assert.ok(
      seqs.length > sentBefore && seqs.length < sent + 1,
      `${seqs.length} messages: more than before the backup (${sentBefore}), fewer than in all (${sent + 1})`,
    );
    for (const id of files) {
      const info = await api.get(`/attachments/${id}/info`);
      assert.equal(info.status, 200, JSON.stringify(info.body));
      const bytes = Buffer.from(await (await fetch(new URL(info.body.attachment.url, restored.url))).arrayBuffer());
      assert.ok(bytes.equals(png.data), 'the restored file is the uploaded one');
    }
  });

  it('refuses a backup whose database no longer matches its manifest, and a folder that is not empty', async () => {
    const copy = join(backupRoot, 'b1', 'rooms.sqlite');
    const bytes = readFileSync(copy);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100);
    writeFileSync(copy, bytes);
    const damaged = await rooms(['restore', join(backupRoot, 'b1')], join(restoredDir, 'other'));
    assert.equal(damaged.code, 1);
    assert.match(damaged.stderr, /does not match the SHA-256 in its manifest/);
    assert.equal(existsSync(join(restoredDir, 'other', 'rooms.sqlite')), false, 'nothing restored');
    const full = await rooms(['backup', join(backupRoot, 'b1')], dataDir);
    assert.equal(full.code, 1);
    assert.match(full.stderr, /is not empty: a backup goes into a new folder/);
  });
});
