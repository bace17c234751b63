import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '@rooms/client';
import { clock, historyLine, liveLine } from './format.ts';
import { ANSI_MARKS, PLAIN_MARKS } from './search-format.ts';

const at = '2026-12-05T14:03:00.000Z';
const message = (over: Partial<Message>): Message =>
  ({
    id: 'm1',
    room_id: 'r1',
    seq: 1,
    sender: { id: 'u1', username: 'alice', display_name: 'Alice', avatar_url: null },
    type: 'text',
    content: 'hello',
    created_at: at,
    deleted_at: null,
    attachments: [],
    ...over,
  }) as unknown as Message;

describe('message lines on a terminal', () => {
  it('a system message is "* what happened", dimmed on a colour terminal, plain elsewhere', () => {
    const joined = message({ type: 'system', content: 'joined' });
    assert.equal(liveLine(joined, { name: 'general', direct: false }, '', ANSI_MARKS.dim), '\x1b[2m[general] * alice joined\x1b[22m');
    assert.equal(liveLine(joined, { name: 'general', direct: false }, '', PLAIN_MARKS.dim), '[general] * alice joined');
    assert.equal(historyLine(joined, '  ', '', ANSI_MARKS.dim), `  \x1b[2m[${clock(at)}] * alice joined\x1b[22m`);
  });

  it('a name with control characters cannot reach the terminal through a system message', () => {
    const evil = message({
      type: 'system',
      content: 'joined',
      sender: { id: 'u2', username: null, display_name: 'Ev\x1b]0;pwned\x07e\nX', avatar_url: null },
    } as Partial<Message>);
    assert.equal(historyLine(evil), `[${clock(at)}] * Ev?]0;pwned?e X joined`);
  });

  it('other messages are "sender: text", as before', () => {
    assert.equal(liveLine(message({}), { name: 'general', direct: false }), '[general] alice: hello');
  });
});
