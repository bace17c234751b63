import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { insertUser } from '../../src/store/contract/fixtures.ts';
import { MIGRATION_NAMES } from '../../src/store/sql/migrations/index.ts';
import { openStore } from '../../src/store/sql/open.ts';
import { runNode } from '../helpers/processes.ts';
import { backends } from '../helpers/services.ts';

const MIGRATE = 'packages/server/src/cli/migrate.ts';
const ADMIN = 'packages/server/src/cli/admin.ts';

// The real commands, spawned as an operator runs them, against every database backend.
for (const backend of backends()) {
  describe(`rooms CLI: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let env: Record<string, string | undefined>;
    let db: Awaited<ReturnType<typeof backend.provision>>;
    before(async () => {
      db = await backend.provision();
      env = { DATA_DIR: db.dataDir, DATABASE_URL: db.databaseUrl };
    });
    after(() => db.cleanup());

    it('migrate brings a fresh database up to date, printing each step, and a second run changes nothing', async () => {
      const first = await runNode(MIGRATE, [], env);
      assert.equal(first.code, 0, first.stderr);
      const steps = MIGRATION_NAMES.map((name, i) => `migrating ${i + 1}/${MIGRATION_NAMES.length} ${name}`);
      assert.deepEqual(first.stdout.trim().split('\n'), [...steps, 'schema up to date']);
      if (backend.name === 'sqlite') assert.ok(existsSync(join(db.dataDir, 'rooms.sqlite')));

      const second = await runNode(MIGRATE, [], env);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout.trim(), 'schema up to date');
    });

    it('promote and demote set the server admin flag of an existing account', async () => {
      const store = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
      try {
        await insertUser(store); // the first account is an admin by rule; the next one is not
        const user = await insertUser(store);
        assert.equal(user.is_admin, false);

        const promoted = await runNode(ADMIN, ['promote', user.username!.toUpperCase()], env);
        assert.equal(promoted.code, 0, promoted.stderr);
        assert.match(promoted.stdout, new RegExp(`${user.username} is now a server admin`));
        assert.equal((await store.users.findById(user.id))!.is_admin, true);

        const again = await runNode(ADMIN, ['promote', user.username!], env);
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /already/);
        assert.equal((await store.users.findById(user.id))!.is_admin, true);

        const demoted = await runNode(ADMIN, ['demote', user.username!], env);
        assert.equal(demoted.code, 0, demoted.stderr);
        assert.equal((await store.users.findById(user.id))!.is_admin, false);
      } finally {
        await store.close();
      }
    });

    it('an unknown username exits 1 with a message naming it', async () => {
      const r = await runNode(ADMIN, ['promote', 'nobody_here'], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No account is named "nobody_here"/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'an expected failure prints no stack trace');
    });

    it('usage errors exit 1 with the help text; --help exits 0 with examples', async () => {
      const help = await runNode(ADMIN, ['--help'], env);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /promote <username>/);
      assert.match(help.stdout, /demote <username>/);
      assert.match(help.stdout, /Examples:\n\s+npm run admin -- promote alice/);

      const unknown = await runNode(ADMIN, ['frobnicate', 'alice'], env);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /Unknown command "frobnicate"[\s\S]*Usage: rooms admin/);

      const missing = await runNode(ADMIN, ['promote'], env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Usage: rooms admin promote <username>/);

      const migrateHelp = await runNode(MIGRATE, ['--help'], env);
      assert.equal(migrateHelp.code, 0);
      assert.match(migrateHelp.stdout, /Usage: rooms migrate[\s\S]*Examples:/);
    });

    it('a bad configuration value exits 2 naming the variable, before touching the database', async () => {
      const r = await runNode(ADMIN, ['promote', 'alice'], { ...env, BCRYPT_COST: '5' });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /BCRYPT_COST/);
    });
  });
}
