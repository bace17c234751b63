import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asciiJson, encodeFrame, FrameError, FrameReader, MAX_FRAME_BYTES } from './framing.ts';

/** Feeds the bytes in the pieces given; the frame's value, or the FrameError. */
function read(pieces: Buffer[], max?: number): unknown {
  const r = new FrameReader(max);
  for (const p of pieces) {
    const got = r.push(p);
    if (got) return got.value;
  }
  return undefined;
}

describe('TCP gateway framing', () => {
  it('writes Python 2 json.dumps-style ASCII: the length line counts bytes, which are the characters', () => {
    const frame = encodeFrame({ command: 'MESSAGE', from: 'bob', message: 'héllo ✓ 😀' });
    const text = frame.toString('latin1');
    const [length, body] = [text.slice(0, text.indexOf('\n')), text.slice(text.indexOf('\n') + 1)];
    assert.equal(Number(length), body.length);
    assert.ok(/^[\x20-\x7e]*$/.test(body), body);
    assert.deepEqual(JSON.parse(body), { command: 'MESSAGE', from: 'bob', message: 'héllo ✓ 😀' });
    assert.equal(asciiJson('\u007f'), '"\\u007f"');
  });

  it("reads a frame however the bytes are split (the seed's client sends the length and the body in two writes)", () => {
    const body = Buffer.from('{"data": {"password": "p\\u00e4ss"}, "instruction": "LOGIN", "from": "alice"}');
    const bytes = Buffer.concat([Buffer.from(`${body.length}\n`), body]);
    const expected = { data: { password: 'päss' }, instruction: 'LOGIN', from: 'alice' };
    for (let cut = 0; cut <= bytes.length; cut++)
      assert.deepEqual(read([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at ${cut}`);
    assert.deepEqual(read([...bytes].map((b) => Buffer.from([b]))), expected, 'one byte at a time');
    assert.deepEqual(read([Buffer.concat([bytes, Buffer.from('trailing garbage')])]), expected, 'bytes past the frame are ignored');
  });

  it('refuses a bad length line, a length past the limit (before any body arrives), bad UTF-8 and bad JSON', () => {
    const refused = (pieces: Buffer[], max?: number) => assert.throws(() => read(pieces, max), FrameError);
    refused([Buffer.from('\n{}')]);
    refused([Buffer.from('-3\n{}')]);
    refused([Buffer.from(' 2\n{}')]);
    refused([Buffer.from(`${MAX_FRAME_BYTES + 1}\n`)]);
    refused([Buffer.from('9'.repeat(40))], undefined);
    refused([Buffer.from('11\n')], 10);
    refused([Buffer.from('3\n'), Buffer.from([0xff, 0xfe, 0x7b])]);
    refused([Buffer.from('5\n{"a":')]);
  });

  it('fuzz: random bytes either wait for more, give a value, or throw a FrameError — never anything else', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const head = rand() < 0.5 ? Buffer.from(`${Math.floor(rand() * 30)}\n`) : Buffer.alloc(0);
      const junk = Buffer.from(Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)));
      const bytes = Buffer.concat([head, junk]);
      const cut = Math.floor(rand() * (bytes.length + 1));
      try {
        read([bytes.subarray(0, cut), bytes.subarray(cut)]);
      } catch (err) {
        assert.ok(err instanceof FrameError, String(err));
      }
    }
  });
});
