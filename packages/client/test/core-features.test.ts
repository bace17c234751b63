import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { member, type Member, type TestServer, wsSetups } from './helpers.ts';

// Issue 18's core features through the SDK against a real server: reports, likes, rooms of people I follow, counsellors.
for (const setup of wsSetups()) {
  describe(`client core features: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let admin: Member, alice: Member, bob: Member;
    before(async () => {
      srv = await setup.start();
      admin = await member(srv.url);
      alice = await member(srv.url);
      bob = await member(srv.url);
    });
    after(() => srv.stop());

    it('reports: file, list mine, review, with errors as RoomsApiError', async () => {
      const room = await alice.client.rooms.create({ name: 'sdk reports' });
      await bob.client.rooms.join(room.id);
      const { message: msg } = await bob.client.messages.send(room.id, { content: 'spam spam' });
      const report = await alice.client.reports.create({ message_id: msg.id, reason: 'spam' });
      assert.equal(report.message?.content, 'spam spam');
      assert.equal((await alice.client.reports.list({ scope: 'mine' })).items[0]?.id, report.id);
      await assert.rejects(bob.client.reports.review(report.id, { status: 'dismissed' }), { status: 404, code: 'report_not_found' });
      const done = await admin.client.reports.review(report.id, { status: 'resolved', action: 'deleted' });
      assert.equal(done.status, 'resolved');
      assert.equal((await alice.client.reports.get(report.id)).action, 'deleted');
      assert.equal((await admin.client.reports.list({ status: 'resolved', limit: 10 })).items[0]?.id, report.id);
    });

    it('room likes and rooms of people I follow', async () => {
      const room = await alice.client.rooms.create({ name: 'sdk likes' });
      assert.deepEqual(await bob.client.roomLikes.toggle(room.id), { liked: true, like_count: 1 });
      await assert.rejects(alice.client.roomLikes.toggle(room.id), { status: 400, code: 'cannot_like_own_room' });
      await bob.client.users.follow(alice.id);
      assert.ok((await bob.client.roomLikes.following()).items.some((i) => i.room.id === room.id && i.room.like_count === 1));
    });

    it('counsellors: flag, availability, match, requests', async () => {
      await assert.rejects(bob.client.counsellors.match(), { status: 409, code: 'counsellor_unavailable' });
      assert.equal((await admin.client.counsellors.setFlag(alice.id, true)).counsellor, true);
      assert.equal((await alice.client.counsellors.setAvailability(true)).available, true);
      const match = await bob.client.counsellors.match();
      assert.equal(match.counsellor.id, alice.id);
      assert.equal(match.room.member_count, 2);
      const requests = (await alice.client.counsellors.requests()).items.map((r) => r.status);
      assert.deepEqual(requests, ['matched', 'missed']);
      assert.deepEqual(await alice.client.counsellors.me(), { user_id: alice.id, counsellor: true, available: true });
    });
  });
}
