import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchRanges } from './match-ranges.ts';

/** The matched pieces of the original text. */
const marked = (content: string, terms: string[]): string[] => matchRanges(content, terms).map((r) => content.slice(r.start, r.end));

describe('match ranges', () => {
  it('marks every occurrence in the original text, case and accents aside', () => {
    assert.deepEqual(marked('Deploy the redeployment', ['deploy']), ['Deploy', 'deploy']);
    assert.deepEqual(marked('Crème brûlée at the CAFÉ', ['creme', 'cafe']), ['Crème', 'CAFÉ']);
  });

  it('maps through changes of length: decomposed accents, ß, full-width letters, emoji', () => {
    const decomposed = 'cafe\u0301 ok';
    assert.deepEqual(marked(decomposed, ['cafe']), ['cafe\u0301']);
    assert.deepEqual(marked('Die Straße hier', ['strasse']), ['Straße']);
    assert.deepEqual(marked('ｃａｆｅ time', ['cafe']), ['ｃａｆｅ']);
    assert.deepEqual(marked('🎉 party 🎉 time', ['party']), ['party']);
    assert.deepEqual(marked('a 👋🏽 wave', ['wave']), ['wave']);
    assert.deepEqual(matchRanges('👋🏽 wave', ['wave']), [{ start: 5, end: 9 }], 'UTF-16 offsets');
  });

  it('matches a phrase across a run of whitespace, and CJK without spaces', () => {
    assert.deepEqual(marked('an exact \n phrase', ['exact phrase']), ['exact \n phrase']);
    assert.deepEqual(marked('東京タワーに行った', ['東京']), ['東京']);
  });

  it('merges overlapping and touching matches, sorted', () => {
    assert.deepEqual(matchRanges('deployment', ['deploy', 'ploy', 'ment']), [{ start: 0, end: 10 }]);
    assert.deepEqual(matchRanges('b a b', ['b', 'a']), [
      { start: 0, end: 1 },
      { start: 2, end: 3 },
      { start: 4, end: 5 },
    ]);
  });

  it('marks nothing for no terms, or terms that do not occur', () => {
    assert.deepEqual(matchRanges('hello', []), []);
    assert.deepEqual(matchRanges('hello', ['bye']), []);
    assert.deepEqual(matchRanges('', ['x']), []);
  });
});
