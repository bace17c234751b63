import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { blockThreadPool, within } from '../../../test/helpers/thread-pool.ts';
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

  it("does not wait for libuv's thread pool, which file and DNS work share", async () => {
    const pool = blockThreadPool();
    try {
      assert.equal(
        await within(
          5000,
          'a hash and a check',
          hasher.hash('x').then((h) => hasher.verify('x', h)),
        ),
        true,
      );
      assert.equal(pool.done(), 0, 'the hash was done while every pool thread was busy');
    } finally {
      await pool.release();
    }
  });

  it(
    'runs bcrypt on threads of lower CPU priority than the event loop',
    { skip: !existsSync('/proc/self/task') && 'needs Linux /proc' },
    async () => {
      await hasher.hash('warm the threads up');
      const nice = threadNiceValues();
      assert.ok(nice.includes(10), `a bcrypt thread at nice 10: ${nice.join(',')}`);
      assert.equal(nice[0], 0, 'the main thread keeps its priority');
    },
  );
});
