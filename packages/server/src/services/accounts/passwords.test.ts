import assert from 'node:assert/strict';
import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { PasswordHasher } from './passwords.ts';

/** The nice value of each thread of this process (Linux). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((t) => {
    const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ cost: 10, concurrency: 2, maxWaiting: 8 });
  after(() => hasher.close());

  it('hashes and checks, one password against several hashes in one turn', async () => {
    const hash = await hasher.hash('correct horse battery');
    assert.match(hash, /^\$2b\$10\$/);
    assert.equal(await hasher.verify('correct horse battery', hash), true);
    assert.equal(await hasher.verify('wrong', hash), false);
    assert.equal(await hasher.verify('anything', null), false, 'an account without a password never matches');
    assert.deepEqual(await hasher.verifyEach('correct horse battery', [hash, null, hash]), [true, false, true]);
    assert.equal(await hasher.verifyNothing('anything'), false);
  });

  it('does not wait for libuv\'s thread pool, which file and DNS work share', async () => {
    const t0 = performance.now();
    pbkdf2Sync('x', 'salt', 20_000, 32, 'sha512');
    const iterations = Math.ceil((20_000 * 1500) / Math.max(1, performance.now() - t0));
    let finished = 0;
    const busy = Array.from({ length: 4 }, () => new Promise<void>((resolve, reject) => pbkdf2('x', 'salt', iterations, 32, 'sha512', (err) => (err ? reject(err) : (finished++, resolve())))));
    assert.equal(await hasher.verify('x', await hasher.hash('x')), true);
    assert.equal(finished, 0, 'the hash was done while every pool thread was busy');
    await Promise.all(busy);
  });

  it('runs bcrypt on threads of lower CPU priority than the event loop', { skip: !existsSync('/proc/self/task') && 'needs Linux /proc' }, async () => {
    await hasher.hash('warm the threads up');
    const nice = threadNiceValues();
    assert.ok(nice.includes(10), `a bcrypt thread at nice 10: ${nice.join(',')}`);
    assert.equal(nice[0], 0, 'the main thread keeps its priority');
  });
});
