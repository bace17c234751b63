import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatSuite, person } from './chat-helpers.ts';

// The server closes a WebSocket that sends more frames than WS_FRAME_RATE / WS_FRAME_BURST allow
// (1008); the terminal client paces itself, so a paste of many lines never trips the defaults.
describe('rooms chat: within the default frame budget', () => {
  const suite = chatSuite({ WS_FRAME_RATE: 20, WS_FRAME_BURST: 100, MESSAGE_RATE_LIMIT: 100_000 });
  const terms = suite.terms;

  it('300 lines pasted at once are all said, and the connection is never closed on the way', async () => {
    const alice = await person(suite.srv, 'alice');
    const bob = await person(suite.srv, 'bob');
    const room = await alice.api.post('/rooms', { name: `paste ${alice.username.slice(-6)}` });
    const name = room.body.name as string;
    await bob.api.post(`/rooms/${room.body.id}/join`, {});
    const a = await terms.login(suite.srv, alice);
    const b = await terms.login(suite.srv, bob);
    a.type(`join ${name}`);
    await a.expect(`Now in ${name}.`);
    a.keys(Array.from({ length: 300 }, (_, i) => `say line ${i + 1}\r`).join(''));
    await b.expect(`[${name}] ${alice.username}: line 300`, 60_000);
    assert.doesNotMatch(a.screen(), /Connection lost/, 'never closed (and reconnected) on the way');
  });
});
