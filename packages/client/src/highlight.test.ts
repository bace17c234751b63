import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ELLIPSIS, highlightExcerpt, highlightRanges, normalizeRanges, type Segment } from './highlight.ts';

/** Segments as "plain[marked]plain", easy to read in an assertion. */
const show = (segments: Segment[]) => segments.map((s) => (s.match ? `[${s.text}]` : s.text)).join('');
const r = (start: number, end: number) => ({ start, end });

describe('highlightRanges', () => {
  it('cuts the content at the ranges, marked and plain in turn, and loses no character', () => {
    const content = 'we redeployed the deploy bot';
    const segments = highlightRanges(content, [r(5, 11), r(18, 24)]);
    assert.deepEqual(segments, [
      { text: 'we re', match: false },
      { text: 'deploy', match: true },
      { text: 'ed the ', match: false },
      { text: 'deploy', match: true },
      { text: ' bot', match: false },
    ]);
    assert.equal(segments.map((s) => s.text).join(''), content);
  });

  it('no ranges (a query of filters only): the whole content, unmarked; empty content: no segment', () => {
    assert.deepEqual(highlightRanges('hello', []), [{ text: 'hello', match: false }]);
    assert.deepEqual(highlightRanges('', [r(0, 3)]), []);
  });

  it('a match at either end, and one over all of it', () => {
    assert.equal(show(highlightRanges('deploy now', [r(0, 6)])), '[deploy] now');
    assert.equal(show(highlightRanges('now deploy', [r(4, 10)])), 'now [deploy]');
    assert.equal(show(highlightRanges('deploy', [r(0, 6)])), '[deploy]');
  });

  it('bad ranges are clamped, sorted, merged or dropped, never thrown on', () => {
    assert.equal(show(highlightRanges('abcdef', [r(4, 99)])), 'abcd[ef]');
    assert.equal(show(highlightRanges('abcdef', [r(-5, 2)])), '[ab]cdef');
    assert.equal(show(highlightRanges('abcdef', [r(3, 5), r(0, 2)])), '[ab]c[de]f', 'unsorted');
    assert.equal(show(highlightRanges('abcdef', [r(0, 3), r(2, 5)])), '[abcde]f', 'overlapping');
    assert.equal(show(highlightRanges('abcdef', [r(0, 2), r(2, 4)])), '[abcd]ef', 'touching');
    assert.equal(show(highlightRanges('abcdef', [r(1, 5), r(2, 3)])), 'a[bcde]f', 'nested');
    assert.equal(show(highlightRanges('abcdef', [r(4, 2), r(3, 3), r(10, 12)])), 'abcdef', 'reversed, empty, past the end');
    assert.equal(show(highlightRanges('abcdef', [r(1.7, 3.2)])), 'a[bc]def', 'fractions');
    const junk = [{ start: Number.NaN, end: 3 }, { start: 0, end: Infinity }, null, { start: '1', end: '2' }] as unknown as {
      start: number;
      end: number;
    }[];
    assert.doesNotThrow(() => highlightRanges('abcdef', junk));
    assert.equal(
      highlightRanges('abcdef', junk)
        .map((s) => s.text)
        .join(''),
      'abcdef',
    );
  });

  it('never cuts a surrogate pair: a range edge inside one widens to the whole character', () => {
    const content = 'a😀b𠮷c'; // 😀 and 𠮷 are two UTF-16 units each
    assert.equal(show(highlightRanges(content, [r(2, 3)])), 'a[😀]b𠮷c', 'start and end inside the emoji');
    assert.equal(show(highlightRanges(content, [r(1, 2)])), 'a[😀]b𠮷c', 'end inside');
    assert.equal(show(highlightRanges(content, [r(4, 5)])), 'a😀b[𠮷]c', 'the rare CJK character');
    for (const s of highlightRanges(content, [r(2, 5)])) assert.equal(s.text.isWellFormed(), true, `${JSON.stringify(s.text)} is whole`);
  });

  it('never cuts an emoji sequence or a letter from its accent', () => {
    const family = '👨‍👩‍👧';
    assert.equal(show(highlightRanges(`x${family}y`, [r(3, 4)])), `x[${family}]y`);
    const thumb = '👍🏽';
    assert.equal(show(highlightRanges(`ok${thumb}`, [r(2, 4)])), `ok[${thumb}]`, 'skin tone kept with its emoji');
    const cafe = 'cafe\u0301 ok'; // e + combining acute
    assert.equal(show(highlightRanges(cafe, [r(0, 4)])), '[cafe\u0301] ok');
  });

  it('CJK text without spaces', () => {
    const content = '東京タワーに行った';
    assert.equal(show(highlightRanges(content, [r(0, 2)])), '[東京]タワーに行った');
  });

  it('text that looks like HTML stays text: segments carry it as it is, for text nodes', () => {
    const content = '<img src=x onerror=alert(1)> look';
    const segments = highlightRanges(content, [r(29, 33)]);
    assert.deepEqual(segments, [
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: 'look', match: true },
    ]);
  });
});

describe('normalizeRanges', () => {
  it('gives sorted, merged, in-bounds ranges', () => {
    assert.deepEqual(normalizeRanges('abcdefgh', [r(6, 20), r(0, 1), r(1, 2), r(4, 3)]), [r(0, 2), r(6, 8)]);
  });
});

describe('highlightExcerpt', () => {
  const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `word${i + from}`).join(' ');

  it('short content comes back whole', () => {
    assert.equal(show(highlightExcerpt('find the deploy', [r(9, 15)], 200)), 'find the [deploy]');
  });

  it('a long message: about max characters around the first match, an ellipsis where text is left out, cut at spaces', () => {
    const content = `${words(100)} deploy ${words(100, 100)}`;
    const at = content.indexOf('deploy');
    const segments = highlightExcerpt(content, [r(at, at + 6)], 120);
    const text = show(segments);
    assert.ok(text.startsWith(ELLIPSIS) && text.endsWith(ELLIPSIS), text);
    assert.ok(text.includes('[deploy]'), text);
    assert.ok(text.length <= 124, `${text.length}: ${text}`);
    assert.match(text, /^…word\d+ /, 'starts on a whole word');
    assert.match(text, / word\d+…$/, 'ends on a whole word');
  });

  it('a match near the start keeps the start; one at the very end keeps the end', () => {
    const content = `deploy ${words(100)}`;
    const head = show(highlightExcerpt(content, [r(0, 6)], 80));
    assert.ok(head.startsWith('[deploy] ') && head.endsWith(ELLIPSIS), head);
    const tail = `${words(100)} deploy`;
    const end = show(highlightExcerpt(tail, [r(tail.length - 6, tail.length)], 80));
    assert.ok(end.startsWith(ELLIPSIS) && end.endsWith('[deploy]'), end);
  });

  it('no match (filters only): the beginning', () => {
    const text = show(highlightExcerpt(words(100), [], 50));
    assert.ok(text.startsWith('word0 ') && text.endsWith(ELLIPSIS), text);
  });

  it('never cuts an emoji at the excerpt edges', () => {
    const content = '😀'.repeat(200);
    for (const s of highlightExcerpt(content, [r(200, 202)], 51)) assert.equal(s.text.isWellFormed(), true);
  });
});
