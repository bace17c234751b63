import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Email, Instant, Password, Seq, Username, codePoints, isStorable, singleLine, storable, text } from './common.ts';
import { LoginBody } from './auth.ts';
import { LIMIT_CEILINGS } from '../limits.ts';
import { MessageListQuery } from './messages.ts';
import { ClientFrame } from './ws.ts';
import { z } from 'zod';

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
    for (const bad of ['', 'a'.repeat(LIMIT_CEILINGS.username.max + 1), 'al-ice', 'al ice', 'ålice'])
      assert.equal(Username.safeParse(bad).success, false, bad);
    for (const ok of ['abc', 'a'.repeat(LIMIT_CEILINGS.username.max), '___', '007']) assert.equal(Username.safeParse(ok).success, true, ok);
  });
  it('holds passwords to the ceiling a server may configure (the server checks its own 8-128)', () => {
    assert.equal(Password.safeParse('').success, false);
    assert.equal(Password.safeParse('x'.repeat(LIMIT_CEILINGS.password.max)).success, true);
    assert.equal(Password.safeParse('x'.repeat(LIMIT_CEILINGS.password.max + 1)).success, false);
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

describe('storable strings (PostgreSQL cannot hold NUL; UTF-8 cannot encode a lone surrogate)', () => {
  it('refuses NUL and lone surrogates, keeps paired surrogates', () => {
    assert.equal(isStorable('a\u0000'), false);
    assert.equal(isStorable('\ud800'), false);
    assert.equal(isStorable('x\udc00'), false);
    assert.equal(isStorable('🎉'), true);
    assert.equal(storable(z.string()).safeParse('tab\tand\nnewline').success, true);
  });
  it('single-line fields refuse every control character as well', () => {
    const line = singleLine(z.string().trim());
    for (const bad of ['a\u0000', 'a\nb', 'a\tb', 'a\u001b', 'a\u007f', '\ud800'])
      assert.equal(line.safeParse(bad).success, false, JSON.stringify(bad));
    assert.equal(line.parse('  trimmed first\n'), 'trimmed first');
  });
  it('text fields, passwords and login names refuse lone surrogates', () => {
    assert.equal(text({ max: 10, multiline: true }).safeParse('a\ud800').success, false);
    assert.equal(Password.safeParse('password\udbff').success, false);
    assert.equal(Password.safeParse('password\u0000').success, false);
    assert.equal(LoginBody.safeParse({ username: 'al\u0000ice', password: 'x' }).success, false);
    assert.equal(LoginBody.safeParse({ email: 'a\ud800@b.c', password: 'x' }).success, false);
  });
  it('WebSocket frames get the same rules', () => {
    const room_id = '0190a0a0-0000-7000-8000-000000000000';
    assert.equal(ClientFrame.safeParse({ type: 'send_message', data: { room_id, content: 'hi \ud800' } }).success, false);
    assert.equal(ClientFrame.safeParse({ type: 'ping', id: 'x\u0000', data: {} }).success, false);
    assert.equal(ClientFrame.safeParse({ type: 'join_room', data: { room_id, last_seq: 2147483648 } }).success, false);
  });
});

describe('numbers and times bounded to what both databases hold', () => {
  it('a seq is 0..2147483647 (the integer column)', () => {
    assert.equal(Seq.safeParse(2147483647).success, true);
    assert.equal(Seq.safeParse(2147483648).success, false);
  });
  it('before/after take a seq in range or a message id', () => {
    assert.equal(MessageListQuery.safeParse({ before: '2147483647' }).success, true);
    assert.equal(MessageListQuery.safeParse({ after: '0190a0a0-0000-7000-8000-000000000000' }).success, true);
    for (const bad of ['2147483648', '999999999999999', '-1', '-'.repeat(36), '1.5'])
      assert.equal(MessageListQuery.safeParse({ before: bad }).success, false, bad);
  });
  it('a client time has at most milliseconds and a year from 0001', () => {
    assert.equal(Instant.safeParse('2030-01-02T03:04:05.678Z').success, true);
    assert.equal(Instant.safeParse('2030-01-02T03:04:05Z').success, true);
    assert.equal(Instant.safeParse('9999-12-31T23:59:59.9999999Z').success, false);
    assert.equal(Instant.safeParse('0000-01-01T00:00:00Z').success, false);
  });
});
