import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from './errors.ts';
import { normaliseForSearch, parseSearchQuery, searchTokens, type SearchQuery } from './search-query.ts';

const now = new Date('2026-03-15T10:20:30Z');
const parse = (q: string, maxTerms?: number): SearchQuery => parseSearchQuery(q, maxTerms === undefined ? { now } : { now, maxTerms });

const empty: SearchQuery = {
  words: [],
  phrases: [],
  excludeWords: [],
  excludePhrases: [],
  from: [],
  in: [],
  mentionsMe: false,
  has: [],
  isThread: false,
  isPinned: false,
  filterOnly: false,
};

/** Asserts the query is refused with invalid_query and that the message contains `names`. */
function refused(q: string, names: string | RegExp, maxTerms?: number): void {
  assert.throws(
    () => parse(q, maxTerms),
    (e: unknown) => {
      assert.ok(e instanceof DomainError, `expected a DomainError for ${q}`);
      assert.equal(e.code, 'invalid_query');
      if (typeof names === 'string') assert.ok(e.message.includes(names), `"${e.message}" should name ${names}`);
      else assert.match(e.message, names);
      return true;
    },
  );
}

describe('search query: words, phrases, exclusions', () => {
  it('words are normalised, trimmed of outer punctuation and deduplicated', () => {
    assert.deepEqual(parse('Deploy the  DEPLOY, (server)!'), { ...empty, words: ['deploy', 'the', 'server'] });
  });
  it('phrases keep order, collapse spaces; curly quotes work', () => {
    const q = parse('"Exact   Phrase" “smart quotes”');
    assert.deepEqual(q.phrases, ['exact phrase', 'smart quotes']);
    assert.deepEqual(q.words, []);
    assert.equal(q.filterOnly, false);
  });
  it('exclusions: -word and -"phrase"', () => {
    const q = parse('release -beta -"release candidate"');
    assert.deepEqual(q.words, ['release']);
    assert.deepEqual(q.excludeWords, ['beta']);
    assert.deepEqual(q.excludePhrases, ['release candidate']);
  });
  it('a lone - and empty quotes add nothing', () => {
    assert.deepEqual(parse('a - "" b').words, ['a', 'b']);
  });
  it('an unbalanced quote makes the rest of the query the phrase', () => {
    const q = parse('deploy "from:bob is:pinned to prod');
    assert.deepEqual(q.words, ['deploy']);
    assert.deepEqual(q.phrases, ['from:bob is:pinned to prod']);
    assert.deepEqual(q.from, []);
    assert.equal(q.isPinned, false);
  });
  it('an unbalanced quote in an operator value runs to the end', () => {
    assert.deepEqual(parse('has:link in:"release planning').in, ['release planning']);
  });
  it('operators inside quotes are phrases, not filters', () => {
    const q = parse('"from:bob" -"has:image"');
    assert.deepEqual(q.phrases, ['from:bob']);
    assert.deepEqual(q.excludePhrases, ['has:image']);
    assert.deepEqual(q.from, []);
    assert.deepEqual(q.has, []);
  });
  it('only exclusions is filter-only', () => {
    assert.equal(parse('-spam').filterOnly, true);
  });
});

describe('search query: operators alone', () => {
  it('from:username and from:me, with @ and any case; repeated = either sender', () => {
    assert.deepEqual(parse('from:Bob').from, [{ username: 'bob' }]);
    assert.deepEqual(parse('FROM:me').from, ['me']);
    assert.deepEqual(parse('from:@alice from:bob from:alice from:ME').from, [{ username: 'alice' }, { username: 'bob' }, 'me']);
  });
  it('in:room, in:"room name", in:#room and room ids, repeated = any room', () => {
    assert.deepEqual(parse('in:general').in, ['general']);
    assert.deepEqual(parse('in:"Release Planning" In:#ops').in, ['Release Planning', 'ops']);
    assert.deepEqual(parse('in:0193a5e2-7c1d-7000-8000-000000000001').in, ['0193a5e2-7c1d-7000-8000-000000000001']);
  });
  it('mentions:me', () => {
    assert.deepEqual(parse('mentions:me'), { ...empty, mentionsMe: true, filterOnly: true });
    assert.equal(parse('Mentions:ME').mentionsMe, true);
  });
  it('has: every kind, repeated = all', () => {
    for (const kind of ['attachment', 'image', 'file', 'link'] as const) {
      assert.deepEqual(parse(`has:${kind}`), { ...empty, has: [kind], filterOnly: true });
    }
    assert.deepEqual(parse('has:IMAGE has:link has:image').has, ['image', 'link']);
  });
  it('is:thread and is:pinned', () => {
    assert.deepEqual(parse('is:thread'), { ...empty, isThread: true, filterOnly: true });
    assert.deepEqual(parse('IS:Pinned'), { ...empty, isPinned: true, filterOnly: true });
  });
  it('before: is exclusive of its day (UTC)', () => {
    assert.deepEqual(parse('before:2026-02-10'), { ...empty, createdBefore: '2026-02-10T00:00:00.000Z', filterOnly: true });
  });
  it('after: is exclusive of its day (UTC)', () => {
    assert.deepEqual(parse('after:2026-02-10'), { ...empty, createdFrom: '2026-02-11T00:00:00.000Z', filterOnly: true });
  });
  it('during: a day covers that whole UTC day', () => {
    const q = parse('during:2026-02-10');
    assert.equal(q.createdFrom, '2026-02-10T00:00:00.000Z');
    assert.equal(q.createdBefore, '2026-02-11T00:00:00.000Z');
  });
  it('during: a month covers the whole month, February and December included', () => {
    const feb = parse('during:2026-02');
    assert.equal(feb.createdFrom, '2026-02-01T00:00:00.000Z');
    assert.equal(feb.createdBefore, '2026-03-01T00:00:00.000Z');
    const dec = parse('during:2025-12');
    assert.equal(dec.createdFrom, '2025-12-01T00:00:00.000Z');
    assert.equal(dec.createdBefore, '2026-01-01T00:00:00.000Z');
  });
  it('leap days are valid in leap years', () => {
    assert.equal(parse('during:2028-02-29').createdFrom, '2028-02-29T00:00:00.000Z');
  });
  it('today and yesterday are UTC days of opts.now', () => {
    const late = new Date('2026-03-15T23:59:59-05:00'); // 2026-03-16 04:59 UTC
    const q = parseSearchQuery('during:today', { now: late });
    assert.equal(q.createdFrom, '2026-03-16T00:00:00.000Z');
    assert.equal(q.createdBefore, '2026-03-17T00:00:00.000Z');
    assert.equal(parse('after:yesterday').createdFrom, '2026-03-15T00:00:00.000Z');
  });
});

describe('search query: combined', () => {
  it('every operator together with words, phrases and exclusions', () => {
    const q = parse(
      'deploy "prod db" -staging -"dry run" from:bob from:me in:ops mentions:me after:2026-01-31 before:2026-03-01 has:link has:file is:thread is:pinned',
    );
    assert.deepEqual(q, {
      words: ['deploy'],
      phrases: ['prod db'],
      excludeWords: ['staging'],
      excludePhrases: ['dry run'],
      from: [{ username: 'bob' }, 'me'],
      in: ['ops'],
      mentionsMe: true,
      createdFrom: '2026-02-01T00:00:00.000Z',
      createdBefore: '2026-03-01T00:00:00.000Z',
      has: ['link', 'file'],
      isThread: true,
      isPinned: true,
      filterOnly: false,
    });
  });
  it('only filters is filter-only', () => {
    const q = parse('from:bob has:image');
    assert.equal(q.filterOnly, true);
    assert.deepEqual(q.from, [{ username: 'bob' }]);
    assert.deepEqual(q.has, ['image']);
  });
  it('date operators intersect', () => {
    const q = parse('during:2026-02 after:2026-02-09 before:2026-02-20 during:2026-02-15');
    assert.equal(q.createdFrom, '2026-02-15T00:00:00.000Z');
    assert.equal(q.createdBefore, '2026-02-16T00:00:00.000Z');
  });
});

describe('search query: refusals name what is wrong', () => {
  it('an unknown operator', () => {
    refused('deploy foo:bar', 'foo:');
    refused('Color:red', 'Color:');
    refused('in:ops foo:"a b"', 'foo:');
  });
  it('negated operators', () => {
    refused('-from:bob', '-from:bob');
  });
  it('bad dates and months', () => {
    refused('before:2026-02-30', 'before:2026-02-30');
    refused('after:2026-13-01', 'after:2026-13-01');
    refused('during:2026-13', 'during:2026-13');
    refused('during:2027-02-29', 'during:2027-02-29');
    refused('before:yesterdayish', 'before:yesterdayish');
    refused('after:15/03/2026', 'after:15/03/2026');
    refused('before:2026-02', 'before:2026-02');
  });
  it('dates that leave no time', () => {
    refused('after:2026-03-01 before:2026-02-01', /after:2026-03-01 before:2026-02-01/);
    refused('during:2026-02-10 during:2026-02-11', 'during:2026-02-11');
  });
  it('bad operator values', () => {
    refused('has:video', 'has:video');
    refused('is:starred', 'is:starred');
    refused('mentions:bob', 'mentions:bob');
    refused('from:b', 'from:b');
    refused('from:bob!', 'from:bob!');
    refused('from:', 'from:');
    refused('in:"" hi', 'in:');
  });
  it('an empty query', () => {
    refused('', 'empty');
    refused('   ', 'empty');
    refused('!!! , "" -', 'empty');
  });
  it('a query over 1,000 characters', () => {
    assert.equal(parse('a'.repeat(1000)).words[0]?.length, 1000);
    refused('a'.repeat(1001), 'too long');
  });
  it('more than maxTerms terms (default 32), exclusions and operators included', () => {
    const words = (n: number, prefix: string): string => Array.from({ length: n }, (_, k) => `${prefix}${k}`).join(' ');
    assert.equal(parse(words(32, 'w')).words.length, 32);
    refused(words(33, 'w'), 'too many terms');
    refused(words(150, '-x'), 'too many terms');
    refused('a b c', 'too many terms', 2);
    refused('from:bob has:image is:thread', 'too many terms', 2);
  });
});

describe('search query: what counts as a word', () => {
  it('URLs, a:b, times, std::x and a trailing colon are words, not operators', () => {
    const q = parse('https://example.com/x?y=1 a:b 10:30 std::vector note:');
    assert.deepEqual(q.words, ['https://example.com/x?y=1', 'a:b', '10:30', 'std::vector', 'note']);
    assert.equal(q.filterOnly, false);
  });
  it('URIs without // (mailto:, tel:, urn:) are words', () => {
    assert.deepEqual(parse('mailto:Bob@x.io tel:+1-555-0100 urn:isbn:123').words, ['mailto:bob@x.io', 'tel:+1-555-0100', 'urn:isbn:123']);
  });
  it('identifiers stay whole', () => {
    assert.deepEqual(parse('snake_case dot.separated').words, ['snake_case', 'dot.separated']);
  });
  it('CJK, accents, emoji and full-width letters', () => {
    assert.deepEqual(parse('東京 Café ÉTÉ 👍 ＡＢＣ naïve').words, ['東京', 'cafe', 'ete', '👍', 'abc', 'naive']);
    assert.deepEqual(parse('"Crème Brûlée"').phrases, ['creme brulee']);
  });
});

describe('search query: robustness', () => {
  it('random input either parses or is refused with invalid_query, never anything else', () => {
    const alphabet = [
      'a',
      'B',
      'é',
      '東',
      '👍',
      ' ',
      ' ',
      '-',
      '"',
      '“',
      ':',
      '/',
      'from',
      'in',
      'has',
      'is',
      'me',
      'foo',
      '2026-02-',
      '1',
      '#',
      '@',
      '_',
      '.',
      '\n',
    ];
    let seed = 17;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 3000; round++) {
      let q = '';
      const length = random(40);
      for (let k = 0; k < length; k++) q += alphabet[random(alphabet.length)];
      try {
        const ast = parse(q);
        assert.equal(ast.filterOnly, ast.words.length === 0 && ast.phrases.length === 0);
        for (const w of [...ast.words, ...ast.excludeWords, ...ast.phrases, ...ast.excludePhrases]) assert.notEqual(w, '', q);
      } catch (e) {
        assert.ok(e instanceof DomainError && e.code === 'invalid_query', `${JSON.stringify(q)}: ${String(e)}`);
      }
    }
  });
});

describe('normaliseForSearch', () => {
  it('case-folds, strips diacritics and folds ligatures', () => {
    assert.equal(normaliseForSearch('Café ÀÉÎÕÜ Straße Æsir Øre Łódź İstanbul'), 'cafe aeiou strasse aesir ore lodz istanbul');
  });
  it('keeps CJK, kana voicing marks, Hangul and emoji', () => {
    assert.equal(normaliseForSearch('東京タワーに行った がっこう 한국어'), '東京タワーに行った がっこう 한국어');
    assert.equal(normaliseForSearch('👍🏽 1️⃣'), '👍🏽 1⃣');
    assert.equal(normaliseForSearch('❤️'), normaliseForSearch('❤'));
  });
  it('maps compatibility forms (NFKC)', () => {
    assert.equal(normaliseForSearch('ＡＢＣ １２３ ﬁle'), 'abc 123 file');
  });
});

describe('searchTokens', () => {
  it('splits identifiers and keeps the whole', () => {
    assert.deepEqual(searchTokens('my_var config.yaml.bak'), ['my_var', 'my', 'var', 'config.yaml.bak', 'config', 'yaml', 'bak']);
  });
  it('splits URLs into their words', () => {
    const tokens = searchTokens('see https://Example.com/Deploy-Guide?x=1');
    for (const t of ['see', 'https', 'example.com', 'example', 'com', 'deploy', 'guide', 'x', '1'])
      assert.ok(tokens.includes(t), `${t} in ${tokens.join('|')}`);
  });
  it('normalises accents and case and keeps emoji', () => {
    assert.deepEqual(searchTokens('Café, naïve! 👍'), ['cafe', 'naive', '👍']);
  });
  it('keeps CJK text intact (no characters lost)', () => {
    const tokens = searchTokens('東京タワーに行った');
    assert.equal(tokens.join(''), '東京タワーに行った');
  });
  it('a query word and the text it appears in give the same tokens', () => {
    const text = searchTokens('Deploying CAFÉ_service to prod');
    for (const w of parse('café_service').words) for (const t of searchTokens(w)) assert.ok(text.includes(t), t);
  });
});
