import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';
import { readKeptSecret } from './secrets.ts';

describe('config', () => {
  it('has the documented embedded defaults', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 8080);
    assert.equal(c.HOST, '0.0.0.0');
    assert.equal(c.DATA_DIR, './data');
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.REDIS_URL, undefined);
    assert.equal(c.BLOCK_TIME, 60);
    assert.equal(c.TIME_OUT, 1800);
    assert.equal(c.BCRYPT_COST, 12);
    assert.equal(c.TOKEN_TTL, 86400);
    assert.equal(c.TRUST_PROXY, false);
    assert.equal(c.WEB_UI, true);
    assert.match(c.WEB_DIR, /packages[/\\]web[/\\]dist$/);
    assert.equal(loadConfig({ WEB_UI: 'false' }).WEB_UI, false);
  });

  it('reads and coerces environment values; an empty DATABASE_URL means SQLite', () => {
    const c = loadConfig({ PORT: '9000', BLOCK_TIME: '5', DATABASE_URL: '', REDIS_URL: 'redis://127.0.0.1:6379', TRUST_PROXY: '2' });
    assert.equal(c.PORT, 9000);
    assert.equal(c.BLOCK_TIME, 5);
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(c.TRUST_PROXY, 2);
  });

  it('names every bad value in one message', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', BCRYPT_COST: '5', DATABASE_URL: 'not a url', JWT_SECRET: 'short' }),
      (e: unknown) => e instanceof ConfigError && ['PORT', 'BCRYPT_COST', 'DATABASE_URL', 'JWT_SECRET'].every((k) => e.message.includes(k)),
    );
    assert.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
    assert.throws(() => loadConfig({ BLOCK_TIME: '0' }), /BLOCK_TIME/);
    assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
    // SPEC §12's limits: within the ceilings the request schemas allow, and a minimum not past its maximum.
    assert.throws(() => loadConfig({ MESSAGE_MAX_LENGTH: '100001' }), /MESSAGE_MAX_LENGTH/);
    assert.throws(() => loadConfig({ USERNAME_MIN: '10', USERNAME_MAX: '5' }), /USERNAME_MIN/);
    assert.throws(() => loadConfig({ PASSWORD_MIN: '0' }), /PASSWORD_MIN/);
    assert.equal(loadConfig({ MESSAGE_MAX_LENGTH: '20000' }).MESSAGE_MAX_LENGTH, 20_000);
  });

  it('reads a JSON file named by ROOMS_CONFIG; the environment wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rooms-config-'));
    const file = join(dir, 'rooms.json');
    writeFileSync(file, JSON.stringify({ PORT: 9100, BLOCK_TIME: 30 }));
    const c = loadConfig({ ROOMS_CONFIG: file, BLOCK_TIME: '45' });
    assert.equal(c.PORT, 9100);
    assert.equal(c.BLOCK_TIME, 45);
    writeFileSync(file, '{ nope');
    assert.throws(
      () => loadConfig({ ROOMS_CONFIG: file }),
      (e: unknown) => e instanceof ConfigError && e.message.includes(file),
    );
    assert.throws(() => loadConfig({ ROOMS_CONFIG: join(dir, 'missing.json') }), ConfigError);
  });

  it('refuses a config file with a key it does not know, naming it and the nearest known key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rooms-config-'));
    const file = join(dir, 'rooms.json');
    writeFileSync(file, JSON.stringify({ PORT: 9100, BLOCK_TIMEOUT: 30, data_dir: '/srv', FAVOURITE_COLOUR: 'blue' }));
    assert.throws(
      () => loadConfig({ ROOMS_CONFIG: file }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes(file) &&
        /BLOCK_TIMEOUT: not a setting \(did you mean BLOCK_TIME\?\)/.test(e.message) &&
        /data_dir: not a setting \(did you mean DATA_DIR\?\)/.test(e.message) &&
        /FAVOURITE_COLOUR: not a setting$/m.test(e.message),
    );
  });
});

describe('secrets', () => {
  it('takes over the signing key an older version kept in DATA_DIR/secrets.json, and only a real one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rooms-secrets-'));
    assert.equal(readKeptSecret(dir), undefined);
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ jwtSecret: 'k'.repeat(48) }));
    assert.equal(readKeptSecret(dir), 'k'.repeat(48));
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ jwtSecret: 'short' }));
    assert.equal(readKeptSecret(dir), undefined);
  });
});
