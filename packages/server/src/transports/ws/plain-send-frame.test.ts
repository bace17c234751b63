import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientFrame } from '@rooms/protocol';
import { plainSendFrame } from './plain-send-frame.ts';

const room = '0192f0c4-7b1a-7c3d-8e4f-5a6b7c8d9e0f';
const send = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'send_message', id: '17', data, ...extra });

/** Frames around the fast path's edges: each is read by it as zod reads it, or left to zod. */
const frames: unknown[] = [
  send({ room_id: room, content: 'hello there' }),
  send({ room_id: room, content: ' multi\nline\twith tabs ' }),
  send({ room_id: room, content: 'x', client_id: 'c-1.a:b_2' }),
  send({ room_id: room, content: 'x', parent_id: room }),
  { type: 'send_message', data: { room_id: room, content: 'no id' } },
  send({ room_id: room.toUpperCase(), content: 'upper-case id' }),
  send({ room_id: '00000000-0000-0000-0000-000000000000', content: 'nil id' }),
  // Refused by zod: the fast path must not accept them.
  send({ room_id: room, content: '   ' }),
  send({ room_id: room, content: '\n\t' }),
  send({ room_id: room, content: '' }),
  send({ room_id: room }),
  send({ room_id: room, content: 'x'.repeat(100_001) }),
  send({ room_id: room, content: 'bell \u0007' }),
  send({ room_id: room, content: 'nul \u0000' }),
  send({ room_id: room, content: 'del \u007f' }),
  send({ room_id: room, content: 'x', client_id: '' }),
  send({ room_id: room, content: 'x', client_id: 'has space' }),
  send({ room_id: room, content: 'x', client_id: 'c'.repeat(65) }),
  send({ room_id: room, content: 'x', client_id: 7 }),
  send({ room_id: room, content: 'x', parent_id: 'not-a-uuid' }),
  send({ room_id: room, content: 'x', parent_id: null }),
  send({ room_id: 'not-a-uuid', content: 'x' }),
  send({ room_id: '0192f0c4-7b1a-0c3d-8e4f-5a6b7c8d9e0f', content: 'version 0' }),
  send({ room_id: room, content: 'x', extra: 1 }),
  send({ room_id: room, content: 42 }),
  send({ room_id: room, content: 'x' }, { id: '' }),
  send({ room_id: room, content: 'x' }, { id: 'i'.repeat(65) }),
  send({ room_id: room, content: 'x' }, { id: 'line\nbreak' }),
  send({ room_id: room, content: 'x' }, { id: 5 }),
  send({ room_id: room, content: 'x' }, { more: true }),
  { type: 'send_message', id: '1' },
  { type: 'send_message', id: '1', data: [room] },
  { type: 'send_message', id: '1', data: null },
  JSON.parse(`{"type":"send_message","id":"1","data":{"room_id":"${room}","content":"x","__proto__":{"a":1}}}`),
  JSON.parse(`{"type":"send_message","id":"1","__proto__":{},"data":{"room_id":"${room}","content":"x"}}`),
  // Zod's to read: Unicode text (normalised), attachments, other frames.
  send({ room_id: room, content: 'cafe\u0301 é 😀' }),
  send({ room_id: room, content: 'x', attachments: [room] }),
  send({ room_id: room, content: '', attachments: [room] }),
  { type: 'ping', id: '1' },
  { type: 'typing_start', data: { room_id: room } },
  null,
  [],
  'send_message',
];

describe('plainSendFrame: the common send_message frame without zod', () => {
  it('gives what ClientFrame.safeParse gives, or leaves the frame to it', () => {
    for (const raw of frames) {
      const zod = ClientFrame.safeParse(raw);
      const plain = plainSendFrame(raw);
      if (plain === undefined) continue;
      assert.ok(zod.success, `accepted what zod refuses: ${JSON.stringify(raw)}`);
      assert.deepEqual(plain, zod.data, JSON.stringify(raw));
    }
  });

  it('reads the frames the bench and the clients send: ASCII text, with or without id and client_id', () => {
    for (const raw of frames.slice(0, 7)) assert.ok(plainSendFrame(raw), JSON.stringify(raw));
    // And leaves everything past them to zod.
    for (const raw of frames.slice(-7)) assert.equal(plainSendFrame(raw), undefined, JSON.stringify(raw));
  });
});
