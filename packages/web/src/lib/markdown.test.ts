import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Marked } from 'marked';
import { isPlain } from './markdown.ts';

/** The plain-text fast path must only take what Markdown (GFM, breaks) would render as one bare paragraph. */
const marked = new Marked({ gfm: true, breaks: true, async: false });
const bareParagraph = (s: string) => {
  const html = (marked.parse(s) as string).trim();
  return /^<p>[^<]*<\/p>$/.test(html);
};

describe('markdown: the plain-text fast path', () => {
  const plain = [
    'hello',
    'Is the new web app ready?',
    "It's fine, thanks (really).",
    'ok 👍',
    'line with — dashes - and 1. numbers 2) inside',
    'twenty-one',
    '東京タワーに行った',
    'a',
    '42',
    'e.g. this, that; those: these',
    'Price: 3 + 4 % 5',
  ];
  const markup = [
    '*em*',
    '**strong**',
    '_x_',
    '`code`',
    '~~del~~',
    '[a](http://x)',
    'see http://example.com',
    'www.example.com',
    'mail me a@b.co',
    '@alice hi',
    '<b>x</b>',
    '&amp;',
    '# title',
    '> quote',
    '- item',
    '+ item',
    '1. first',
    '2) second',
    'two\nlines',
    '    indented code',
    ' leading space',
    'trailing space ',
    'tab\there',
    'a\\b',
    'x | y',
    '![i](http://x/i.png)',
    'a = b',
    'x^2',
    'costs $5',
    '---',
    '-5 degrees',
    '1.5 million',
  ];
  for (const s of plain)
    it(`plain: ${JSON.stringify(s)}`, () => {
      assert.equal(isPlain(s), true);
      assert.ok(bareParagraph(s), 'marked agrees: one bare paragraph');
    });
  for (const s of markup) it(`not plain: ${JSON.stringify(s)}`, () => assert.equal(isPlain(s), false));
});
