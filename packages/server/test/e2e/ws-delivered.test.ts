import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMembers, createRoom, say, signup, sleep, type User, describeWs } from '../helpers/ws-suite.ts';

const receipt = async (u: User, id: string) => (await u.api.get(`/messages/${id}`)).body.receipt as string;

async function direct(a: User, b: User): Promise<string> {
  const res = await a.api.post('/direct', { user_id: b.id });
  assert.ok(res.status === 201 || res.status === 200, JSON.stringify(res.body));
  return res.body.id;
}

describeWs('delivered in direct rooms, over the WebSocket', {}, (t) => {
  it("the other person's connection receiving a message marks it delivered, and the sender hears delivered_updated", async () => {
    const alice = await signup(t.srv.url);
    const bob = await signup(t.srv.url);
    const dm = await direct(alice, bob);
    const as = await t.pool.connect(t.srv, alice);
    const offline = await say(alice, dm, 'while bob is away');
    await sleep(400);
    assert.equal(await receipt(alice, offline.id), 'sent', 'nobody received it yet');

    const bs = await t.pool.connect(t.srv, bob);
    const m = await say(alice, dm, 'psst');
    await bs.next((f) => f.type === 'message_created' && f.data.message.id === m.id);
    const told = await as.next((f) => f.type === 'delivered_updated' && f.data.delivered_seq >= m.seq, 5000);
    assert.deepEqual([told.room_id, told.data.room_id, told.data.user_id, told.seq], [dm, dm, bob.id, undefined]);
    assert.equal(await receipt(alice, m.id), 'delivered');
    assert.equal(await receipt(alice, offline.id), 'delivered', 'delivery covers every earlier message');
    // Bob's own messages reaching his own connection are no receipt of alice's.
    const reply = await say(bob, dm, 'hi');
    await sleep(400);
    assert.equal(await receipt(bob, reply.id), 'delivered', "alice's connection received it");
    assert.ok(
      !bs.frames.some((f) => f.type === 'delivered_updated' && f.data.user_id === bob.id && f.data.delivered_seq >= reply.seq),
      'not by his own connection',
    );
  });

  it('a resume that replays missed messages marks them delivered; a group room never has receipts', async () => {
    const alice = await signup(t.srv.url);
    const bob = await signup(t.srv.url);
    const dm = await direct(alice, bob);
    const first = await say(alice, dm, 'one');
    const missed = await say(alice, dm, 'two');
    const bs = await t.pool.connect(t.srv, bob);
    await bs.request('resume', { rooms: { [dm]: first.seq - 1 } });
    await bs.next((f) => f.type === 'message_created' && f.data.message.id === missed.id);
    for (let i = 0; i < 50 && (await receipt(alice, missed.id)) !== 'delivered'; i++) await sleep(50);
    assert.equal(await receipt(alice, missed.id), 'delivered');

    const group = await createRoom(alice);
    await addMembers(alice, group.id, bob);
    const said = await say(alice, group.id, 'to all');
    await bs.next((f) => f.type === 'message_created' && f.data.message.id === said.id);
    await sleep(400);
    assert.equal(await receipt(alice, said.id), null);
    assert.ok(!bs.frames.some((f) => f.type === 'delivered_updated' && f.room_id === group.id));
  });
});
