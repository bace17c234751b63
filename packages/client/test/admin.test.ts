import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { member, type Member, type TestServer, wsSetups } from './helpers.ts';

// Server administration through the SDK (issue 19): global moderation, deactivation, the audit log.
for (const setup of wsSetups()) {
  describe(`client admin: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let admin: Member, owner: Member, alice: Member, bob: Member;
    before(async () => {
      srv = await setup.start();
      admin = await member(srv.url); // the first account: a server admin
      owner = await member(srv.url);
      alice = await member(srv.url);
      bob = await member(srv.url);
    });
    after(() => srv.stop());

    it('a server admin moderates a room they are not in, resolves a report, deactivates an account, and reads it all back from the audit log', async () => {
      const room = await owner.client.rooms.create({ name: 'sdk moderation', type: 'private' });
      await owner.client.members.add(room.id, alice.id);
      await owner.client.members.add(room.id, bob.id);
      const { message } = await alice.client.messages.send(room.id, { content: 'buy cheap watches' });
      const report = await bob.client.reports.create({ message_id: message.id, reason: 'spam' });

      await admin.client.messages.remove(message.id);
      await admin.client.members.mute(room.id, alice.id, { muted: true });
      await admin.client.reports.review(report.id, { status: 'resolved', action: 'deleted and muted' });
      await admin.client.admin.deactivateUser(alice.id, { reason: 'spammer' });
      await assert.rejects(alice.client.auth.me(), { status: 401 });
      await assert.rejects(bob.client.admin.audit(), { status: 403, code: 'forbidden' });
      await assert.rejects(bob.client.admin.deactivateUser(owner.id), { status: 403, code: 'forbidden' });

      const log = await admin.client.admin.audit({ limit: 10 });
      assert.deepEqual(
        log.items.map((e) => e.action),
        ['account_deactivated', 'report_resolved', 'member_muted', 'message_deleted'],
      );
      const resolved = log.items[1]!;
      assert.deepEqual(
        [resolved.actor_id, resolved.room_id, resolved.target_message_id, resolved.target_user_id, resolved.reason],
        [admin.id, room.id, message.id, alice.id, 'deleted and muted'],
      );
      assert.deepEqual(resolved.details, { report_id: report.id });
      assert.equal((await admin.client.admin.audit({ room_id: room.id })).items.length, 3);
      assert.equal((await admin.client.admin.audit({ action: 'account_deactivated' })).items[0]?.reason, 'spammer');
    });
  });
}
