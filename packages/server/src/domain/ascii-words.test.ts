import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asciiWords } from './ascii-words.ts';

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
/** The word-like segments, as the index keeps them (segments of `_` alone hold no token). */
const reference = (s: string): string[] =>
  [...segmenter.segment(s)].filter((x) => x.isWordLike && !/^_+$/.test(x.segment)).map((x) => x.segment);
const fast = (s: string): string[] => {
  const out: string[] = [];
  asciiWords(s, (w) => {
    if (!/^_+$/.test(w)) out.push(w);
  });
  return out;
};

describe('asciiWords: Intl.Segmenter word segments of ASCII text, without it', () => {
  it('splits as the segmenter does at every separator', () => {
    for (const s of [
      "it's e.g. 3.14 1,000 a,b a:b a.1 1.a a'1 1'2 1;2 a;b a_.b x\r\ny a..b __init__ snake_case",
      'https://example.com/a_b?x=1&y=2',
    ])
      assert.deepEqual(fast(s), reference(s), s);
    assert.deepEqual(fast("It's 3.14, a:b."), ["It's", '3.14', 'a:b']);
  });

  it('agrees with the segmenter on every pair of ASCII characters before a letter, digit or separator', () => {
    for (let a = 0; a < 128; a++)
      for (let b = 0; b < 128; b++)
        for (const c of 'a1_.:, ') {
          const s = `${String.fromCharCode(a, b)}${c}a`;
          assert.deepEqual(fast(s), reference(s), JSON.stringify(s));
        }
  });

  it('agrees with the segmenter on random strings of word characters and separators', () => {
    const alphabet = "abZ19_.',;:-/ !?\n\r\t@#";
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 20000; k++) {
      let s = '';
      for (let i = 0, n = 1 + (k % 16); i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      assert.deepEqual(fast(s), reference(s), JSON.stringify(s));
    }
  });
});
