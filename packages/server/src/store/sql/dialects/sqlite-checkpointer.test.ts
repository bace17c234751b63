import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CheckpointPolicy, parseWalIndexHeader, WAL_INDEX_HEADER_BYTES } from './sqlite-checkpointer.ts';

const LE = endianness() === 'LE';

describe('SQLite checkpointer: the wal-index header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rooms-walidx-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the frames in the WAL and the frames copied back, as SQLite counts them', () => {
    const file = join(dir, 'a.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('create table t (id integer primary key, body text)');
    const insert = db.prepare('insert into t (body) values (?)');
    for (let i = 0; i < 50; i++) insert.run('x'.repeat(3000));
    const read = () => parseWalIndexHeader(readFileSync(`${file}-shm`).subarray(0, WAL_INDEX_HEADER_BYTES), LE);
    const before = read();
    assert.ok(before && before.mxFrame > 50, `frames: ${before?.mxFrame}`);
    assert.equal(before.nBackfill, 0);
    const [done] = db.pragma('wal_checkpoint(passive)') as { log: number; checkpointed: number }[];
    assert.deepEqual(read(), { mxFrame: done!.log, nBackfill: done!.checkpointed });
    assert.equal(done!.log, before.mxFrame);
    db.close();
  });

  it('refuses a header of another version, or whose two copies differ', () => {
    const good = new Uint8Array(WAL_INDEX_HEADER_BYTES);
    const view = new DataView(good.buffer);
    for (const at of [0, 48]) {
      view.setUint32(at, 3007000, LE);
      view.setUint32(at + 16, 42, LE);
    }
    view.setUint32(96, 40, LE);
    assert.deepEqual(parseWalIndexHeader(good, LE), { mxFrame: 42, nBackfill: 40 });
    const torn = good.slice();
    new DataView(torn.buffer).setUint32(48 + 16, 43, LE);
    assert.equal(parseWalIndexHeader(torn, LE), undefined);
    const other = good.slice();
    new DataView(other.buffer).setUint32(0, 3007001, LE);
    assert.equal(parseWalIndexHeader(other, LE), undefined);
    assert.equal(parseWalIndexHeader(good.subarray(0, 100), LE), undefined);
  });
});

describe('SQLite checkpointer: when to checkpoint', () => {
  it('not while few frames wait and the writer is busy; at the frame threshold; after the writer went quiet', () => {
    const policy = new CheckpointPolicy(100, 1000);
    assert.equal(policy.due({ mxFrame: 0, nBackfill: 0 }, 0), false, 'nothing waits');
    assert.equal(policy.due({ mxFrame: 40, nBackfill: 0 }, 100), false);
    assert.equal(policy.due({ mxFrame: 99, nBackfill: 0 }, 600), false, 'one short of the threshold, writer busy');
    assert.equal(policy.due({ mxFrame: 100, nBackfill: 0 }, 700), true, 'at the threshold');
    assert.equal(policy.due({ mxFrame: 130, nBackfill: 100 }, 800), false, 'only 30 wait after it');
    assert.equal(policy.due({ mxFrame: 130, nBackfill: 100 }, 1700), false, 'quiet for 900 ms only');
    assert.equal(policy.due({ mxFrame: 130, nBackfill: 100 }, 1800), true, 'quiet for 1 s with frames waiting');
    assert.equal(policy.due({ mxFrame: 130, nBackfill: 130 }, 5000), false, 'all copied');
    // The writer restarted the WAL: its counts begin again from 0.
    assert.equal(policy.due({ mxFrame: 5, nBackfill: 0 }, 5100), false);
    assert.equal(policy.due({ mxFrame: 5, nBackfill: 130 }, 5200), false, 'a stale nBackfill above mxFrame waits nothing');
  });
});
