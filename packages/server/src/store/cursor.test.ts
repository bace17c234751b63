import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, decodeKey, encodeCursor, encodeKey } from './cursor.ts';

const ID = '0190a0a0-0000-7000-8000-000000000000';
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const refused = (f: () => unknown) => assert.throws(f, (e: { code?: string }) => e.code === 'invalid_cursor');

describe('cursors: only what the server wrote', () => {
  it('round-trips a (time, id) cursor; none is undefined', () => {
    const at = '2026-01-02T03:04:05.678Z';
    assert.deepEqual(decodeCursor(encodeCursor(at, ID)), { at, id: ID });
    assert.equal(decodeCursor(undefined), undefined);
  });

  it('refuses a time that is not the store’s form or not a date, a bad id, extra parts', () => {
    for (const text of [
      `1|${ID}`,
      `0000-01-01T00:00:00.000Z|${ID}`,
      `2026-02-30T00:00:00.000Z|${ID}`,
      `2026-01-02T03:04:05Z|${ID}`,
      '2026-01-02T03:04:05.678Z|x',
      `2026-01-02T03:04:05.678Z|${ID}|x`,
      '',
    ]) {
      refused(() => decodeCursor(b64(text)));
    }
    refused(() => decodeCursor(''));
    refused(() => decodeCursor(`${encodeCursor('2026-01-02T03:04:05.678Z', ID)}!`));
  });

  it('round-trips a sort key of the given kinds and refuses any other shape', () => {
    assert.deepEqual(decodeKey(encodeKey(['general', ID]), ['text', 'uuid']), ['general', ID]);
    for (const parts of [
      '["a",2]',
      '[1,2]',
      '["a","b"]',
      `["a","${ID}",3]`,
      `["a\\u0000","${ID}"]`,
      `["\\ud800","${ID}"]`,
      '{}',
      'not json',
    ]) {
      refused(() => decodeKey(b64(parts), ['text', 'uuid']));
    }
  });
});
