import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMentions } from './mentions.ts';

describe('mentions', () => {
  it('finds @usernames (lower-cased, once each) and @room', () => {
    assert.deepEqual(parseMentions('hi @Alice and @bob_2, @alice again; @room!'), { usernames: ['alice', 'bob_2'], room: true });
  });
  it('ignores emails, too-short names and names glued to words', () => {
    assert.deepEqual(parseMentions('mail me at carol@example.com or x@yz, foo@bar'), { usernames: [], room: false });
    assert.deepEqual(parseMentions('@ab is too short, @abcdefghijklmnopqrstu is too long'), { usernames: [], room: false });
  });
  it('accepts mentions at the start, after punctuation and newlines', () => {
    assert.deepEqual(parseMentions('@dave\n(@erin) "@frank"').usernames, ['dave', 'erin', 'frank']);
  });
});
