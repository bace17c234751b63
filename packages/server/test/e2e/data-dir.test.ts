import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { signup, startServer, TEST_SETUP_TOKEN } from '../helpers/server.ts';
import { backends, tempDir } from '../helpers/services.ts';
import { upload } from '../helpers/uploads.ts';

const modeOf = (path: string) => `0${(statSync(path).mode & 0o777).toString(8)}`;

for (const backend of backends()) {
  describe(`DATA_DIR is private: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let previousUmask: number;
    before(() => {
      // The usual umask: with it, files are created 0644 and folders 0755 unless asked otherwise.
      previousUmask = process.umask(0o022);
    });
    after(() => {
      process.umask(previousUmask);
    });

    it('a fresh DATA_DIR is created 0700 and every file in it 0600, after writes', async () => {
      const parent = tempDir();
      const dataDir = join(parent.path, 'data');
      const srv = await startServer(backend, { config: { DATA_DIR: dataDir } });
      try {
        const u = await signup(srv.url);
        assert.equal((await u.api.post('/rooms', { name: `private-${Date.now()}` })).status, 201);
        const files = readdirSync(dataDir);
        assert.ok(!files.includes('secrets.json'), 'signing keys live in the database, not in DATA_DIR');
        if (backend.name === 'sqlite')
          for (const f of ['rooms.sqlite', 'rooms.sqlite-wal', 'rooms.sqlite-shm'])
            assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
        assert.equal(modeOf(dataDir), '0700');
        // Uploads too: their temporary files and stored bytes (folders 0700, files 0600).
        assert.equal((await upload(srv.url, u.token, 'a.pdf', Buffer.from('%PDF-1.4\n%%EOF\n'))).status, 201);
        const entries = walk(dataDir);
        assert.ok(entries.some((e) => e.startsWith('attachments/')) && entries.includes('tmp/uploads'), entries.join(', '));
        const want = (e: string) => (statSync(join(dataDir, e)).isDirectory() ? '0700' : '0600');
        assert.deepEqual(
          Object.fromEntries(entries.map((e) => [e, modeOf(join(dataDir, e))])),
          Object.fromEntries(entries.map((e) => [e, want(e)])),
        );
      } finally {
        await srv.stop();
        parent.remove();
      }
    });

    it('an existing DATA_DIR readable by others, or a file in it, is named in a warning at start', async () => {
      const db = await backend.provision();
      const dataDir = join(db.dataDir, 'shared');
      mkdirSync(dataDir);
      chmodSync(dataDir, 0o755);
      writeFileSync(join(dataDir, 'backup.sqlite'), 'x', { mode: 0o640 });
      writeFileSync(join(dataDir, 'kept.txt'), 'x', { mode: 0o600 });
      const lines: { level: number; msg: string; path?: string; mode?: string }[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
          done();
        },
      });
      const config = loadConfig(
        {},
        { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: db.databaseUrl, BCRYPT_COST: 10, SETUP_TOKEN: TEST_SETUP_TOKEN },
      );
      const app = await createApp(config, { logger: pino({ level: 'warn' }, sink) });
      try {
        const warned = lines.filter((l) => l.level === 40 && l.path !== undefined).map((l) => ({ path: l.path, mode: l.mode }));
        assert.deepEqual(warned, [
          { path: dataDir, mode: '0755' },
          { path: join(dataDir, 'backup.sqlite'), mode: '0640' },
        ]);
        assert.match(lines.find((l) => l.path === dataDir)!.msg, /0755.*chmod 700/);
        assert.equal(modeOf(dataDir), '0755', 'an operator’s modes are reported, not changed');
      } finally {
        await app.stop();
        await db.cleanup();
      }
    });
  });
}

/** Every file and folder under dir, as relative paths. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? [rel, ...walk(dir, rel)] : [rel];
  });
}
