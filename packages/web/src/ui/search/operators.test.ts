import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyCompletion, completions, filtersOf, roomOperand, tokenAt, withoutFilter, type CompletionSources } from './operators.ts';

const src: CompletionSources = {
  rooms: [
    { id: 'r_gen', name: 'general', direct: false },
    { id: 'r_des', name: 'design team', direct: false },
    { id: 'r_dm', name: 'Bob Builder', direct: true },
  ],
  people: [
    { id: 'u_bob', username: 'bob', display_name: 'Bob Builder' },
    { id: 'u_alice', username: 'alice', display_name: 'Alice Liddell' },
    { id: 'u_gone', username: null, display_name: 'Deleted user' },
  ],
  today: new Date(2026, 11, 5),
};
const inserts = (token: string) => completions(token, src).map((c) => c.insert);

describe('search box completions', () => {
  it('the word at the caret', () => {
    assert.deepEqual(tokenAt('deploy from:bo', 14), { start: 7, end: 14, text: 'from:bo' });
    assert.deepEqual(tokenAt('deploy from:bo later', 10), { start: 7, end: 14, text: 'from:bo' });
    assert.deepEqual(tokenAt('deploy ', 7), { start: 7, end: 7, text: '' });
  });

  it('an empty word: every operator as a hint; the start of one: those operators', () => {
    assert.deepEqual(inserts(''), ['from:', 'in:', 'mentions:me', 'has:', 'is:', 'before:', 'after:', 'during:']);
    assert.deepEqual(inserts('f'), ['from:']);
    assert.deepEqual(inserts('i'), ['in:', 'is:']);
    assert.deepEqual(inserts('deploy'), []);
    assert.deepEqual(inserts('東京'), []);
  });

  it('from: suggests me and people (by username or name); in: suggests rooms, never direct ones', () => {
    assert.deepEqual(inserts('from:'), ['from:me', 'from:bob', 'from:alice']);
    assert.deepEqual(inserts('from:b'), ['from:bob']);
    assert.deepEqual(inserts('from:LIDD'), ['from:alice']);
    assert.deepEqual(inserts('in:'), ['in:general', 'in:r_des']);
    assert.deepEqual(inserts('in:gen'), ['in:general']);
    assert.equal(roomOperand({ id: 'r_des', name: 'design team' }), 'r_des', 'a name with a space goes by its id');
  });

  it('the values of has:, is:, mentions: and the dates', () => {
    assert.deepEqual(inserts('has:i'), ['has:image']);
    assert.deepEqual(inserts('is:'), ['is:pinned', 'is:thread']);
    assert.deepEqual(inserts('mentions:'), ['mentions:me']);
    assert.deepEqual(inserts('before:'), ['before:2026-12-05']);
    assert.deepEqual(inserts('during:2026'), ['during:2026-12', 'during:2026-12-05']);
    assert.deepEqual(inserts('nope:x'), []);
  });

  it('taking one replaces the word; a value is followed by a space, an operator waits for its value', () => {
    const text = 'deploy fr later';
    const token = tokenAt(text, 9);
    const [op] = completions(token.text, src);
    assert.deepEqual(applyCompletion(text, token, op!), { text: 'deploy from: later', caret: 12 });
    const t2 = tokenAt('deploy from:b', 13);
    assert.deepEqual(applyCompletion('deploy from:b', t2, completions(t2.text, src)[0]!), { text: 'deploy from:bob ', caret: 16 });
  });

  it('filters as chips, and a query without one', () => {
    const q = 'deploy from:bob "big day" in:general has:image';
    assert.deepEqual(
      filtersOf(q).map((f) => f.text),
      ['from:bob', 'in:general', 'has:image'],
    );
    assert.equal(withoutFilter(q, filtersOf(q)[1]!), 'deploy from:bob "big day" has:image');
    assert.deepEqual(filtersOf('see https://example.com now'), [], 'a URL is words, not a filter');
  });
});
