import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { insertUser } from '../../server/src/store/contract/fixtures.ts';
import { MIGRATION_NAMES } from '../../server/src/store/sql/migrations/index.ts';
import { describeDatabase, openDialect, openStore } from '../../server/src/store/sql/open.ts';
import { childEnv, ROOT } from '../../server/test/helpers/processes.ts';
import { backends } from '../../server/test/helpers/services.ts';
import { BIN } from './pty.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `rooms …` as an operator runs it, with the given environment and, optionally, stdin. */
function rooms(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('rooms: help', () => {
  it('rooms --help lists the commands with examples; each command has its own --help', async () => {
    const top = await rooms(['--help']);
    assert.equal(top.code, 0);
    for (const c of ['serve', 'migrate', 'admin', 'chat']) assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'));
    assert.match(top.stdout, /Examples:\n\s+rooms serve/);
    for (const [args, usage] of [
      [['serve', '--help'], /Usage: rooms serve \[--port N\][\s\S]*Examples:/],
      [['migrate', '--help'], /Usage: rooms migrate[\s\S]*Examples:/],
      [['admin', '--help'], /create <username> <email> \[--admin\][\s\S]*reset-password[\s\S]*Examples:/],
      [['chat', '--help'], /Usage: rooms chat[\s\S]*Examples:/],
      [['help', 'admin'], /Usage: rooms admin/],
    ] as const) {
      const r = await rooms([...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, usage);
    }
  });

  it('an unknown command or flag exits 1 with the usage', async () => {
    const unknown = await rooms(['frobnicate']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Unknown command "frobnicate"[\s\S]*Usage: rooms <command>/);
    const flag = await rooms(['serve', '--colour', 'blue']);
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /Unknown option '--colour'[\s\S]*Usage: rooms serve/);
  });
});

// The operator commands against every database backend.
for (const backend of backends()) {
  describe(`rooms serve, migrate and admin: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let env: Record<string, string | undefined>;
    let db: Awaited<ReturnType<typeof backend.provision>>;
    before(async () => {
      db = await backend.provision();
      env = { DATA_DIR: db.dataDir, DATABASE_URL: db.databaseUrl, BCRYPT_COST: '10' };
    });
    after(() => db.cleanup());

    const account = async (username: string) => {
      const store = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
      try {
        return await store.users.findByUsername(username);
      } finally {
        await store.close();
      }
    };

    it('admin commands say which database they use and refuse one never set up, creating nothing; migrate sets it up', async () => {
      const fresh = await backend.provision();
      try {
        // A typo in DATA_DIR (SQLite), or a database nobody migrated (PostgreSQL).
        const dataDir = backend.name === 'sqlite' ? join(fresh.dataDir, 'typo') : fresh.dataDir;
        const freshEnv = { DATA_DIR: dataDir, DATABASE_URL: fresh.databaseUrl, BCRYPT_COST: '10' };
        const where = describeDatabase({ databaseUrl: fresh.databaseUrl, dataDir });
        for (const args of [
          ['promote', 'alice'],
          ['deactivate', 'alice'],
          ['create', 'alice', 'alice@example.test'],
        ]) {
          const r = await rooms(['admin', ...args], freshEnv, 'correct horse battery\n');
          assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
          assert.ok(r.stderr.includes(`Database: ${where}`), r.stderr);
          assert.match(r.stderr, /has never been set up[\s\S]*rooms migrate/);
          assert.doesNotMatch(r.stderr + r.stdout, /No account is named|created alice/);
        }
        if (backend.name === 'sqlite') {
          assert.equal(existsSync(dataDir), false, 'no DATA_DIR was made');
        } else {
          const dialect = openDialect({ databaseUrl: fresh.databaseUrl, dataDir });
          try {
            const { rows } = await sql<{
              n: string;
            }>`select count(*) as n from information_schema.tables where table_schema = 'public'`.execute(dialect.db);
            assert.equal(Number(rows[0]!.n), 0, 'no table was created');
          } finally {
            await dialect.close();
          }
        }
        const migrated = await rooms(['migrate'], freshEnv);
        assert.equal(migrated.code, 0, migrated.stderr);
        assert.ok(migrated.stderr.includes(`Database: ${where}`));
        const made = await rooms(['admin', 'create', 'alice', 'alice@example.test'], freshEnv, 'correct horse battery\n');
        assert.equal(made.code, 0, made.stderr);
        assert.match(made.stdout, /created alice/);
      } finally {
        await fresh.cleanup();
      }
      assert.equal(
        describeDatabase({ databaseUrl: 'postgres://rooms:s3cret-pw@db:5432/rooms', dataDir: '/x' }),
        'PostgreSQL postgres://rooms@db:5432/rooms',
      );
    });

    it('migrate brings a fresh database up to date, one line per step and a summary; a second run changes nothing', async () => {
      const first = await rooms(['migrate'], env);
      assert.equal(first.code, 0, first.stderr);
      const lines = first.stdout.trim().split('\n');
      assert.deepEqual(
        lines.slice(0, -1),
        MIGRATION_NAMES.map((name, i) => `migrating ${i + 1}/${MIGRATION_NAMES.length} ${name}`),
      );
      assert.match(lines.at(-1)!, new RegExp(`^schema up to date \\(${MIGRATION_NAMES.length} migrations in \\d+\\.\\d s\\)$`));
      if (backend.name === 'sqlite') assert.ok(existsSync(join(db.dataDir, 'rooms.sqlite')));
      const second = await rooms(['migrate'], env);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout.trim(), 'schema up to date');
    });

    it('admin create makes an account (password from stdin), --admin a server admin; bad input is refused', async () => {
      const made = await rooms(['admin', 'create', 'Ops_Alice', 'alice@example.test', '--admin'], env, 'correct horse battery\n');
      assert.equal(made.code, 0, made.stderr);
      assert.match(made.stdout, /created ops_alice \(server admin\)/);
      const alice = await account('ops_alice');
      assert.equal(alice?.is_admin, true);
      assert.equal(alice?.email, 'alice@example.test');
      const plain = await rooms(['admin', 'create', 'ops_bob', 'bob@example.test'], env, 'another good one\n');
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal((await account('ops_bob'))?.is_admin, false);
      for (const [args, input, message] of [
        [['create', 'ops_bob', 'b@example.test'], 'long enough pw\n', /The username "ops_bob" is taken/],
        [['create', 'x', 'x@example.test'], 'long enough pw\n', /Invalid username: must be at least 3 characters/],
        [['create', 'ops_carol', 'not-an-email'], 'long enough pw\n', /Invalid email/],
        [['create', 'ops_carol', 'c@example.test'], 'short\n', /Invalid password: must be at least 8 characters/],
        [['create', 'ops_carol'], '', /Usage: rooms admin create <username> <email> \[--admin\]/],
      ] as const) {
        const r = await rooms(['admin', ...args], env, input);
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
        assert.match(r.stderr, message);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'an expected failure prints no stack trace');
      }
    });

    it('admin promote and demote set the server admin flag of an existing account', async () => {
      const store = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
      const user = await insertUser(store);
      await store.close();
      const promoted = await rooms(['admin', 'promote', user.username!.toUpperCase()], env);
      assert.equal(promoted.code, 0, promoted.stderr);
      assert.match(promoted.stdout, new RegExp(`${user.username} is now a server admin`));
      assert.match((await rooms(['admin', 'promote', user.username!], env)).stdout, /already/);
      assert.equal((await account(user.username!))?.is_admin, true);
      const demoted = await rooms(['admin', 'demote', user.username!], env);
      assert.equal(demoted.code, 0, demoted.stderr);
      assert.equal((await account(user.username!))?.is_admin, false);
    });

    it('admin counsellor and uncounsellor set the counsellor flag of an existing account', async () => {
      const store = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
      const user = await insertUser(store);
      await store.close();
      const flagged = await rooms(['admin', 'counsellor', user.username!], env);
      assert.equal(flagged.code, 0, flagged.stderr);
      assert.match(flagged.stdout, new RegExp(`${user.username} is now a counsellor`));
      assert.match((await rooms(['admin', 'counsellor', user.username!], env)).stdout, /already a counsellor/);
      const check = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
      assert.deepEqual(await check.counsellors.get(user.id), { available: false });
      await check.close();
      assert.match((await rooms(['admin', 'uncounsellor', user.username!], env)).stdout, /no longer a counsellor/);
      const after = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
      assert.equal(await after.counsellors.get(user.id), undefined);
      await after.close();
    });

    it('admin reset-password and deactivate end every session of the account (its token version moves)', async () => {
      await rooms(['admin', 'create', 'ops_dave', 'dave@example.test'], env, 'first password\n');
      const before = (await account('ops_dave'))!;
      const reset = await rooms(['admin', 'reset-password', 'ops_dave'], env, 'second password\n');
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /ops_dave has a new password; every session of the account was signed out/);
      const after = (await account('ops_dave'))!;
      assert.notEqual(after.password_hash, before.password_hash);
      assert.equal(after.token_version, before.token_version + 1);
      const short = await rooms(['admin', 'reset-password', 'ops_dave'], env, 'tiny\n');
      assert.equal(short.code, 1);
      const gone = await rooms(['admin', 'deactivate', 'ops_dave'], env);
      assert.equal(gone.code, 0, gone.stderr);
      assert.match(gone.stdout, /ops_dave is deactivated/);
      const row = (await account('ops_dave'))!;
      assert.notEqual(row.deactivated_at, null);
      assert.notEqual(row.purge_after, null);
      assert.equal(row.token_version, after.token_version + 1);
      assert.match((await rooms(['admin', 'deactivate', 'ops_dave'], env)).stdout, /already deactivated/);
      // Audited once, as done on the server's machine (no actor) (issue 19).
      const store = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
      const audit = await store.audit.list({ action: 'account_deactivated' }, { limit: 10 });
      await store.close();
      assert.deepEqual(
        audit.items.filter((e) => e.target_user_id === row.id).map((e) => e.actor_id),
        [null],
      );
    });

    it('an unknown username exits 1 naming it; a bad setting exits 2 naming the variable', async () => {
      const r = await rooms(['admin', 'promote', 'nobody_here'], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No account is named "nobody_here"/);
      const bad = await rooms(['admin', 'promote', 'alice'], { ...env, BCRYPT_COST: '5' });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /BCRYPT_COST/);
      const serveBad = await rooms(['serve', '--port', 'eighty'], env);
      assert.equal(serveBad.code, 2);
      assert.match(serveBad.stderr, /PORT/);
    });

    it('serve runs the server with the flags given, and stops cleanly on SIGTERM', async () => {
      const child = spawn(
        process.execPath,
        [
          BIN,
          'serve',
          '--port',
          '0',
          '--host',
          '127.0.0.1',
          '--data-dir',
          db.dataDir,
          ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : []),
        ],
        { cwd: ROOT, env: childEnv({ BCRYPT_COST: '10' }) },
      );
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const deadline = Date.now() + 20_000;
      while (!/Rooms is listening on/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const line = JSON.parse(out.split('\n').find((l) => l.includes('Rooms is listening'))!) as { address: string; database: string };
      assert.equal(line.database, backend.name);
      assert.deepEqual(await (await fetch(`${line.address}/healthz`)).json(), { status: 'ok' });
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    });
  });
}
