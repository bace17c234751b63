import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as wsModule from 'ws';
import { eventFrame, framePayload, textFrame } from './frames.ts';

// ws's own frame parser (exported by ws, not declared by @types/ws).
const { Receiver } = wsModule as unknown as {
  Receiver: new (opts: { isServer: boolean; maxPayload: number }) => NodeJS.EventEmitter & { write(b: Buffer): void };
};

/** What a real WebSocket client reads from these bytes (ws's own frame parser, as a browser would). */
function receive(bytes: Buffer): Promise<{ text: string; binary: boolean }> {
  return new Promise((resolve, reject) => {
    const r = new Receiver({ isServer: false, maxPayload: 0 });
    r.on('message', (data: Buffer, binary: boolean) => resolve({ text: data.toString(), binary }));
    r.on('error', reject);
    r.write(bytes);
  });
}

describe('frames: built once as WebSocket text frames', () => {
  for (const size of [0, 1, 125, 126, 127, 65_535, 65_536, 200_000]) {
    it(`a ${size}-byte payload reads back whole, as text, with the right length encoding`, async () => {
      const json = JSON.stringify({ s: 'x'.repeat(Math.max(0, size - 8)) }).slice(0, size);
      const frame = textFrame(json);
      assert.equal(frame.length - Buffer.byteLength(json), size < 126 ? 2 : size < 65_536 ? 4 : 10);
      assert.deepEqual(await receive(frame), { text: json, binary: false });
      assert.equal(framePayload(frame), json);
    });
  }

  it('counts bytes, not characters, for non-ASCII text', async () => {
    const json = JSON.stringify({ content: 'héllo 👋🏽 мир '.repeat(20) });
    const frame = textFrame(json);
    assert.equal((await receive(frame)).text, json);
    assert.equal(framePayload(frame), json);
  });

  it('frames an event once, whoever asks for it', () => {
    const e = { json: '{"type":"x","data":{}}' };
    assert.equal(eventFrame(e), eventFrame(e), 'the same bytes for every recipient');
    assert.equal(framePayload(eventFrame(e)), e.json);
    assert.notEqual(eventFrame({ json: e.json }), eventFrame(e), 'another event gets its own frame');
  });
});
