import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageOn } from '../domain/profile.ts';
import { canSeeField } from './profile.policy.ts';

describe('profile field visibility', () => {
  const table = [
    ['public', 'other', true],
    ['public', 'mate', true],
    ['public', 'self', true],
    ['mates', 'other', false],
    ['mates', 'mate', true],
    ['mates', 'self', true],
    ['private', 'other', false],
    ['private', 'mate', false],
    ['private', 'self', true],
  ] as const;
  for (const [visibility, audience, allowed] of table) {
    it(`${visibility} field, ${audience} reader → ${allowed ? 'shown' : 'hidden'}`, () => {
      assert.equal(canSeeField(visibility, audience), allowed);
    });
  }
});

describe('age', () => {
  it('counts whole years, turning over on the birthday itself', () => {
    assert.equal(ageOn('2000-06-15', new Date('2026-06-14T23:59:59Z')), 25);
    assert.equal(ageOn('2000-06-15', new Date('2026-06-15T00:00:00Z')), 26);
    assert.equal(ageOn('2000-02-29', new Date('2026-02-28T12:00:00Z')), 25);
    assert.equal(ageOn('2000-02-29', new Date('2026-03-01T00:00:00Z')), 26);
  });
});
