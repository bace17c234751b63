import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from './ids.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The 48-bit millisecond timestamp at the front of a UUIDv7. */
const msOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('newId: UUIDv7', () => {
  it('is a version 7, variant 10 UUID carrying the current millisecond', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    assert.match(id, V7);
    assert.ok(msOf(id) >= before && msOf(id) <= after + 1, `${msOf(id)} not in [${before}, ${after}]`);
  });

  it('sorts in the order ids were made, within a millisecond too, and never repeats (50,000 in a row)', () => {
    const ids = Array.from({ length: 50_000 }, newId);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} !< ${ids[i]}`);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every((id) => V7.test(id)));
    // Many share a millisecond (the counter makes them distinct and ordered).
    assert.ok(new Set(ids.map(msOf)).size < ids.length / 2);
  });

  it('differs in its random bits from one millisecond to the next (not a plain counter)', async () => {
    const a = newId();
    await new Promise((r) => setTimeout(r, 3));
    const b = newId();
    assert.notEqual(a.slice(24), b.slice(24));
  });
});
