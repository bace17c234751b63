import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMembers, barrier, createRoom, describeWs, type Frame, signup } from '../helpers/ws-suite.ts';

const updatedOf = (userId: string) => (f: Frame) => f.type === 'user_updated' && f.data.user.id === userId;

// Issue 18 (bubble's set_user_name): a new display name, username or avatar reaches co-members live.
describeWs('WebSocket user_updated', {}, (t) => {
  it('a display-name change reaches co-members and the user’s other devices, not strangers; other profile edits send nothing', async () => {
    const renamer = await signup(t.srv.url);
    const mate = await signup(t.srv.url);
    const stranger = await signup(t.srv.url);
    const room = await createRoom(renamer, { type: 'private' });
    await addMembers(renamer, room.id, mate);
    const strangerRoom = await createRoom(stranger, { type: 'private' });
    const ms = await t.pool.connect(t.srv, mate);
    const own = await t.pool.connect(t.srv, renamer);
    const ss = await t.pool.connect(t.srv, stranger);

    assert.equal((await renamer.api.patch('/users/me', { display_name: 'Zed Zebra' })).status, 200);
    for (const s of [ms, own]) {
      const f = await s.next(updatedOf(renamer.id));
      assert.deepEqual(f.data.user, {
        id: renamer.id,
        username: renamer.username,
        display_name: 'Zed Zebra',
        avatar_url: null,
        deleted: false,
      });
      assert.equal(f.seq, undefined, 'not a durable room event');
    }
    assert.equal((await renamer.api.patch('/users/me', { bio: 'only the bio' })).status, 200);
    assert.equal((await renamer.api.put('/users/me/username', { username: `${renamer.username}_2` })).status, 200);
    const byUsername = await ms.next((f) => updatedOf(renamer.id)(f) && f.data.user.username === `${renamer.username}_2`);
    assert.equal(byUsername.data.user.display_name, 'Zed Zebra');
    await barrier(ss, stranger, strangerRoom.id);
    await barrier(ms, renamer, room.id);
    assert.equal(ss.ofType('user_updated').length, 0, 'strangers hear nothing');
    assert.equal(ms.ofType('user_updated').length, 2, 'the bio change sent nothing');
  });
});
