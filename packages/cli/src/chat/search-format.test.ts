import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message, SearchHit } from '@rooms/client';
import { ANSI_MARKS, hitLines, marksFor, oneLine, PLAIN_MARKS, resultCount } from './search-format.ts';

const user = (username: string) => ({ id: `u_${username}`, username, display_name: username, avatar_url: null, deleted: false });

function message(content: string, over: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    room_id: 'r1',
    seq: 1,
    sender: user('bob'),
    content,
    created_at: '2026-12-05T14:03:00.000Z',
    deleted_at: null,
    attachments: [],
    ...over,
  } as unknown as Message;
}

function hit(
  content: string,
  matches: { start: number; end: number }[],
  before: Message | null = null,
  after: Message | null = null,
): SearchHit {
  return {
    message: message(content),
    room: { id: 'r1', name: 'general', type: 'public' },
    matches,
    context: { before, after },
  } as SearchHit;
}

describe('search lines on a terminal', () => {
  it('plain (pipes, NO_COLOR): [room] sender: text with [[matches]], the context around it', () => {
    const lines = hitLines(
      hit(
        'we should deploy on friday',
        [{ start: 10, end: 16 }],
        message('what about the release?', { sender: user('alice') }),
        message('fine by me', { sender: user('carol') }),
      ),
      '[general]',
      PLAIN_MARKS,
    );
    assert.equal(lines.length, 3);
    assert.equal(lines[0], '    · alice: what about the release?');
    assert.match(lines[1]!, /^\[general\] bob: we should \[\[deploy\]\] on friday {2}\(\d{4}-\d\d-\d\d \d\d:\d\d\)$/);
    assert.equal(lines[2], '    · carol: fine by me');
  });

  it('on a colour terminal the match is bold and inverse, the context dimmed', () => {
    const lines = hitLines(hit('deploy', [{ start: 0, end: 6 }], message('before')), '[general]', ANSI_MARKS);
    assert.ok(lines[0]!.startsWith('\x1b[2m') && lines[0]!.endsWith('\x1b[22m'), JSON.stringify(lines[0]));
    assert.ok(lines[1]!.includes('\x1b[1;7mdeploy\x1b[22;27m'), JSON.stringify(lines[1]));
  });

  it('marks: ANSI only on a terminal without NO_COLOR', () => {
    assert.equal(marksFor(true, { TERM: 'xterm' }), ANSI_MARKS);
    assert.equal(marksFor(false, { TERM: 'xterm' }), PLAIN_MARKS);
    assert.equal(marksFor(true, { TERM: 'xterm', NO_COLOR: '1' }), PLAIN_MARKS);
    assert.equal(marksFor(true, { TERM: 'dumb' }), PLAIN_MARKS);
  });

  it('what someone typed cannot drive the terminal: escapes and bidi overrides become ?, line breaks ⏎', () => {
    assert.equal(oneLine('a\x1b]0;pwned\x07b\u202ec\nd'), 'a?]0;pwned?b?c ⏎ d');
    const [line] = hitLines(hit('\x1b[2Jdeploy', [{ start: 4, end: 10 }]), '[general]', PLAIN_MARKS);
    assert.ok(!line!.includes('\x1b'), JSON.stringify(line));
    assert.ok(line!.includes('?[2J[[deploy]]'), line);
  });

  it('a long message shows an excerpt around the match; deleted context and files-only messages say so', () => {
    const long = `${'lorem ipsum '.repeat(40)}deploy ${'dolor sit '.repeat(40)}`;
    const at = long.indexOf('deploy');
    const lines = hitLines(
      hit(
        long,
        [{ start: at, end: at + 6 }],
        message('gone', { deleted_at: '2026-12-05T14:00:00.000Z' }),
        message('', { attachments: [{}, {}] as Message['attachments'] }),
      ),
      '[general]',
      PLAIN_MARKS,
    );
    assert.equal(lines[0], '    · bob: (deleted)');
    assert.match(lines[1]!, /^\[general\] bob: …lorem .*\[\[deploy\]\] dolor .*… {2}\(/);
    assert.ok(lines[1]!.length < 220, `${lines[1]!.length}`);
    assert.equal(lines[2], '    · bob: (2 files)');
  });

  it('counts: one, many, an estimate', () => {
    assert.equal(resultCount(1, true), '1 result');
    assert.equal(resultCount(23, true), '23 results');
    assert.equal(resultCount(10000, false), 'about 10,000 results');
  });
});
