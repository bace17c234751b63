import { describe, it } from 'node:test';
import { chatSuite, person } from './chat-helpers.ts';

// Issue 19: send opens the direct room in one call; hide takes it out of `rooms` until a message arrives.
describe('rooms chat: hiding a direct conversation', () => {
  const suite = chatSuite();
  const terms = suite.terms;

  it('hide USER takes the conversation out of rooms; the next message brings it back', async () => {
    const [alice, bob, carol] = [await person(suite.srv, 'alice'), await person(suite.srv, 'bob'), await person(suite.srv, 'carol')];
    const a = await terms.login(suite.srv, alice);
    a.type(`send ${bob.username} hello bob`);
    await a.expect(`${bob.username}: stored for when they come back.`);
    a.type('rooms');
    await a.expect(new RegExp(`Your rooms:\\n\\s+${bob.username} — direct`));
    a.type(`hide ${bob.username}`);
    await a.expect(`${bob.username}: hidden — it comes back when one of you sends a message.`);
    a.type('rooms');
    await a.expect(/Your rooms:\n\s+none yet/);
    a.type(`hide ${carol.username}`);
    await a.expect(`${carol.username}: no conversation with them in your rooms.`);
    a.type('hide nobody_at_all');
    await a.expect('nobody_at_all: unknown user.');
    a.type('hide');
    await a.expect('Usage: hide USER');

    const res = await bob.api.post(`/users/${alice.id}/messages`, { content: 'still there?' });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    await a.expect(`(dm) ${bob.username}: still there?`);
    a.type('rooms');
    await a.expect(new RegExp(`Your rooms:\\n(.*\\n)*\\s+${bob.username} — direct`), 5000);
  });
});
