import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../domain/ids.ts';
import type { NewAttachment } from '../attachment-types.ts';
import type { Store } from '../store.ts';
import { insertUser } from './fixtures.ts';
import { at, insertRoom, join, post } from './room-fixtures.ts';

/** A valid upload of uploaderId; override what a case cares about. */
export function anAttachment(uploaderId: string, over: Partial<NewAttachment> = {}): NewAttachment {
  const id = over.id ?? newId();
  return {
    id,
    uploader_id: uploaderId,
    filename: 'cat.jpg',
    size: 1234,
    mime_type: 'image/jpeg',
    kind: 'image',
    width: 800,
    height: 600,
    thumb_width: 400,
    thumb_height: 300,
    blob_key: `att/${id}/original`,
    thumb_key: `att/${id}/thumbnail`,
    created_at: at(10),
    ...over,
  };
}

export function attachmentContract(store: () => Store): void {
  describe('attachments', () => {
    it('round-trips every field, unposted until a message carries it', async () => {
      const u = await insertUser(store());
      const a = anAttachment(u.id, {
        filename: 'héllo wörld.pdf',
        size: 10_485_760,
        mime_type: 'application/pdf',
        kind: 'document',
        width: null,
        height: null,
        thumb_width: null,
        thumb_height: null,
        thumb_key: null,
      });
      const inserted = await store().attachments.insert(a);
      const expected = { ...a, room_id: null, message_id: null, position: null, posted_at: null };
      assert.deepEqual(inserted, expected);
      assert.deepEqual(await store().attachments.findById(a.id), expected);
      assert.deepEqual(await store().attachments.findByIds([a.id, newId()]), [expected]);
      assert.deepEqual(await store().attachments.findByIds([]), []);
      assert.equal(await store().attachments.findById(newId()), undefined);
    });

    it("posts only the uploader's own unposted uploads, in order, and lists them per message", async () => {
      const [a, b] = [await insertUser(store()), await insertUser(store())];
      const r = await insertRoom(store());
      await join(store(), r.id, a.id);
      const [x, y, theirs] = [anAttachment(a.id), anAttachment(a.id), anAttachment(b.id)];
      for (const att of [x, y, theirs]) await store().attachments.insert(att);
      const m = await post(store(), r.id, a.id);
      assert.equal(await store().attachments.post(a.id, [y.id, x.id, theirs.id], m, at(20)), 2, "b's upload is not a's to post");
      const listed = await store().attachments.forMessages([m.id, newId()]);
      assert.deepEqual(
        listed.map((l) => [l.id, l.position, l.room_id, l.message_id, l.posted_at]),
        [
          [y.id, 0, r.id, m.id, at(20)],
          [x.id, 1, r.id, m.id, at(20)],
        ],
      );
      const m2 = await post(store(), r.id, a.id);
      assert.equal(await store().attachments.post(a.id, [x.id], m2, at(30)), 0, 'a posted upload is not posted again');
      assert.deepEqual(await store().attachments.forMessages([m2.id]), []);
      assert.deepEqual(await store().attachments.forMessages([]), []);
    });

    it("counts a user's bytes, and deletes a message's attachments returning them", async () => {
      const [a, b] = [await insertUser(store()), await insertUser(store())];
      assert.equal(await store().attachments.bytesOf(a.id), 0);
      const r = await insertRoom(store());
      await join(store(), r.id, a.id);
      const [x, y] = [anAttachment(a.id, { size: 1000 }), anAttachment(a.id, { size: 10_000_000 })];
      await store().attachments.insert(x);
      await store().attachments.insert(y);
      await store().attachments.insert(anAttachment(b.id, { size: 7 }));
      assert.equal(await store().attachments.bytesOf(a.id), 10_001_000);
      const m = await post(store(), r.id, a.id);
      await store().attachments.post(a.id, [x.id, y.id], m, at(20));
      const gone = await store().attachments.deleteForMessage(m.id);
      assert.deepEqual(gone.map((g) => g.id).sort(), [x.id, y.id].sort());
      assert.equal(await store().attachments.findById(x.id), undefined);
      assert.equal(await store().attachments.bytesOf(a.id), 0);
      const z = anAttachment(a.id);
      await store().attachments.insert(z);
      assert.equal((await store().attachments.delete(z.id))?.id, z.id);
      assert.equal(await store().attachments.delete(z.id), undefined);
    });

    it('lists expired uploads: unposted past the cutoff unless a cover or an avatar, and posted ones whose room is gone', async () => {
      const u = await insertUser(store());
      const r = await insertRoom(store());
      await join(store(), r.id, u.id);
      const old = anAttachment(u.id, { created_at: at(1) });
      const fresh = anAttachment(u.id, { created_at: at(100) });
      const cover = anAttachment(u.id, { created_at: at(1) });
      const avatar = anAttachment(u.id, { created_at: at(1) });
      const posted = anAttachment(u.id, { created_at: at(1) });
      const orphan = anAttachment(u.id, { created_at: at(1) });
      for (const a of [old, fresh, cover, avatar, posted, orphan]) await store().attachments.insert(a);
      await store().rooms.update(r.id, { cover_attachment_id: cover.id });
      await store().users.update(u.id, { avatar_url: `/attachments/${avatar.id}/avatar` });
      await store().attachments.post(u.id, [posted.id], await post(store(), r.id, u.id), at(5));
      const doomed = await insertRoom(store());
      await join(store(), doomed.id, u.id);
      await store().attachments.post(u.id, [orphan.id], await post(store(), doomed.id, u.id), at(5));
      await store().rooms.delete(doomed.id);
      const expired = (await store().attachments.listExpired(at(50), 100)).map((a) => a.id);
      assert.deepEqual(
        expired.filter((id) => [old, fresh, cover, avatar, posted, orphan].some((a) => a.id === id)).sort(),
        [old.id, orphan.id].sort(),
      );
      const orphanRow = await store().attachments.findById(orphan.id);
      assert.deepEqual([orphanRow?.room_id, orphanRow?.message_id], [null, null], 'the room took its messages, not the attachment rows');
    });
  });
}
