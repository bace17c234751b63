import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Email, Password, Username, codePoints, text } from './common.ts';
import { LoginBody } from './auth.ts';

describe('text fields', () => {
  const name = text({ min: 1, max: 5 });
  it('counts code points, so an emoji is one character', () => {
    assert.equal(codePoints('🎉🎉'), 2);
    assert.equal(name.safeParse('🎉🎉🎉🎉🎉').success, true);
    assert.equal(name.safeParse('🎉🎉🎉🎉🎉🎉').success, false);
  });
  it('normalises to NFC and trims', () => {
    assert.equal(name.parse('  e\u0301 '), '\u00e9');
  });
  it('refuses control characters; newlines only where multiline', () => {
    assert.equal(name.safeParse('a\u0000b').success, false);
    assert.equal(name.safeParse('a\u0085b').success, false);
    assert.equal(name.safeParse('a\nb').success, false);
    assert.equal(text({ max: 10, multiline: true }).safeParse('a\nb\tc').success, true);
    assert.equal(text({ max: 10, multiline: true }).safeParse('a\u001bb').success, false);
  });
  it('refuses whitespace-only where a minimum applies', () => {
    assert.equal(name.safeParse('   ').success, false);
  });
});

describe('account fields', () => {
  it('lower-cases usernames and allows only a-z 0-9 _', () => {
    assert.equal(Username.parse(' Alice_1 '), 'alice_1');
    for (const bad of ['ab', 'a'.repeat(21), 'al-ice', 'al ice', 'ålice']) assert.equal(Username.safeParse(bad).success, false, bad);
    for (const ok of ['abc', 'a'.repeat(20), '___', '007']) assert.equal(Username.safeParse(ok).success, true, ok);
  });
  it('bounds passwords at 8 and 128 characters', () => {
    assert.equal(Password.safeParse('1234567').success, false);
    assert.equal(Password.safeParse('12345678').success, true);
    assert.equal(Password.safeParse('x'.repeat(128)).success, true);
    assert.equal(Password.safeParse('x'.repeat(129)).success, false);
  });
  it('lower-cases and checks emails', () => {
    assert.equal(Email.parse(' A@Example.TEST '), 'a@example.test');
    assert.equal(Email.safeParse('not-an-email').success, false);
  });
  it('logs in with exactly one of username or email', () => {
    assert.equal(LoginBody.safeParse({ username: 'a', password: 'x' }).success, true);
    assert.equal(LoginBody.safeParse({ email: 'a@b.c', password: 'x' }).success, true);
    assert.equal(LoginBody.safeParse({ username: 'a', email: 'a@b.c', password: 'x' }).success, false);
    assert.equal(LoginBody.safeParse({ password: 'x' }).success, false);
  });
});
