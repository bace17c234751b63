import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatSuite, person } from './chat-helpers.ts';

describe('rooms chat: search', () => {
  // Messages are posted faster than a person types them.
  const suite = chatSuite({ MESSAGE_RATE_LIMIT: 1000 });
  const terms = suite.terms;

  it('search QUERY: [room] sender: text with the matches marked, the context around it, a count, and the next page', async () => {
    const [ann, ben] = [await person(suite.srv, 'ann'), await person(suite.srv, 'ben')];
    const room = (await ann.api.post('/rooms', { name: `ops ${ann.username.slice(-6)}`, type: 'public' })).body;
    assert.equal((await ben.api.post(`/rooms/${room.id}/join`)).status, 200);
    const say = async (who: typeof ann, content: string) =>
      assert.equal((await who.api.post(`/rooms/${room.id}/messages`, { content })).status, 201);
    await say(ben, 'what about the release?');
    await say(ann, 'we should redeploy on friday');
    await say(ben, 'fine by me');
    for (let i = 1; i <= 12; i++) await say(ann, `standup note ${i}`);

    // NO_COLOR: the matches in [[…]], as in a pipe or a log.
    const plain = await terms.login(suite.srv, ben, [], { NO_COLOR: '1' });
    plain.type('search deploy');
    await plain.expect('1 result for "deploy":');
    await plain.expect(
      `    · ${ben.username}: what about the release?\n[${room.name}] ${ann.username}: we should re[[deploy]] on friday  (`,
    );
    await plain.expect(`    · ${ben.username}: fine by me`);
    plain.type('search standup');
    await plain.expect('12 results for "standup":');
    await plain.expect(/Showing 10 of 12: type search for the next 10\./);
    plain.type('search');
    await plain.expect('Results 11–12 for "standup":');
    await plain.expect('That is all.');
    plain.type('search');
    await plain.expect('No more results for "standup".');
    plain.type('search --recent standup');
    await plain.expect(
      new RegExp(`12 results for "standup", newest first:\\n(.*\\n)?\\[${room.name}\\] ${ann.username}: \\[\\[standup\\]\\] note 12 `),
    );
    plain.type('search nothingmatchesthis');
    await plain.expect('No results for "nothingmatchesthis".');
    plain.type('search deploy bogus:thing');
    await plain.expect(/Cannot search for that: .*bogus/);

    // A colour terminal: bold inverse for the match, the context dimmed.
    const color = await terms.login(suite.srv, ben);
    color.type('search deploy');
    await color.expect(`[${room.name}] ${ann.username}: we should redeploy on friday`);
    assert.ok(color.written().includes('re\x1b[1;7mdeploy\x1b[22;27m on friday'), 'the match is bold and inverse');
    assert.ok(color.written().includes(`\x1b[2m    · ${ben.username}: fine by me\x1b[22m`), 'the context is dimmed');
  });

  it('help lists search; search alone before any search prints the usage', async () => {
    const u = await person(suite.srv, 'helper');
    const t = await terms.login(suite.srv, u);
    t.type('help');
    await t.expect(/ {2}search \[--recent\] QUERY +find messages in your rooms/);
    t.type('search');
    await t.expect('Usage: search [--recent] QUERY');
  });
});
