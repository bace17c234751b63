import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/ports/clock.ts';
import { validCorpus } from '../helpers/corpus/valid.ts';
import { makeRoom, signupMany, type User } from '../helpers/message-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { download, storedFiles, upload } from '../helpers/uploads.ts';
import { TestSocket } from '../helpers/ws.ts';

const HOUR = 3600_000;

for (const backend of backends()) {
  describe(
    `attachments: downloads, messages, authorization: ${backend.name}`,
    { skip: !backend.available && 'TEST_DATABASE_URL not set' },
    () => {
      let srv: TestServer;
      const clock = new ManualClock(new Date());
      let owner: User, alice: User, bob: User, outsider: User, leaver: User, banned: User;
      let roomId: string;
      before(async () => {
        srv = await startServer(backend, { clock, config: { MESSAGE_RATE_LIMIT: 1000, UPLOAD_RATE_LIMIT: 100_000 } });
        [owner, alice, bob, outsider, leaver, banned] = (await signupMany(srv.url, 6)) as [User, User, User, User, User, User];
        roomId = await makeRoom(owner, [alice, bob, leaver, banned], { type: 'private' });
      });
      after(() => srv.stop());

      const up = async (u: User, key: 'jpeg' | 'pdf' | 'mp3' | 'mp4' | 'png' = 'jpeg') => {
        const f = (await validCorpus())[key];
        const res = await upload(srv.url, u.token, f.name, f.data);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return { view: res.body.attachment, data: f.data };
      };
      const bearer = (u: User) => ({ authorization: `Bearer ${u.token}` });
      const refusedPut = (res: { status: number; body: { error?: { code?: string } } }, status: number, code: string) =>
        assert.deepEqual([res.status, res.body?.error?.code], [status, code]);

      it('serves the bytes with the detected type, nosniff, a sandbox CSP, inline or attachment, private caching, Range and ETag', async () => {
        const { view, data } = await up(alice, 'jpeg');
        for (const path of [view.url, `/attachments/${view.id}`]) {
          const got = await download(srv.url, path, path === view.url ? {} : bearer(alice));
          assert.equal(got.status, 200, path);
          assert.ok(got.bytes.equals(data));
          assert.equal(got.headers.get('content-type'), 'image/jpeg');
          assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
          assert.equal(got.headers.get('content-security-policy'), "default-src 'none'; sandbox");
          assert.match(got.headers.get('content-disposition')!, /^inline; filename="photo.jpg"/);
          assert.match(got.headers.get('cache-control')!, /^private/);
          assert.equal(got.headers.get('accept-ranges'), 'bytes');
          assert.equal(got.headers.get('content-length'), String(data.length));
        }
        const etag = (await download(srv.url, view.url)).headers.get('etag')!;
        assert.equal((await download(srv.url, view.url, { 'if-none-match': etag })).status, 304);
        assert.equal((await download(srv.url, view.url, { 'if-none-match': '"other"' })).status, 200);
        const part = await download(srv.url, view.url, { range: 'bytes=10-19' });
        assert.equal(part.status, 206);
        assert.equal(part.headers.get('content-range'), `bytes 10-19/${data.length}`);
        assert.ok(part.bytes.equals(data.subarray(10, 20)));
        const tail = await download(srv.url, view.url, { range: 'bytes=-5' });
        assert.deepEqual([tail.status, tail.bytes], [206, data.subarray(data.length - 5)]);
        const open = await download(srv.url, view.url, { range: `bytes=${data.length - 3}-` });
        assert.deepEqual([open.status, open.bytes], [206, data.subarray(data.length - 3)]);
        const beyond = await download(srv.url, view.url, { range: `bytes=${data.length}-` });
        assert.equal(beyond.status, 416);
        assert.equal(beyond.headers.get('content-range'), `bytes */${data.length}`);
        const thumb = await download(srv.url, view.thumbnail.url);
        assert.deepEqual([thumb.status, thumb.headers.get('content-type')], [200, 'image/webp']);
        assert.equal(thumb.bytes.subarray(8, 12).toString('latin1'), 'WEBP');
        const pdf = (await up(alice, 'pdf')).view;
        const doc = await download(srv.url, pdf.url);
        assert.match(doc.headers.get('content-disposition')!, /^attachment; /, 'documents are downloaded, never shown in place');
        assert.equal(
          (await download(srv.url, `/attachments/${pdf.id}/thumbnail`, bearer(alice))).status,
          404,
          'no thumbnail for a document',
        );
      });

      it('a signed URL is checked: a forged, expired or other-variant one, or no credentials at all, gets 404 / 401', async () => {
        const { view } = await up(alice, 'png');
        const u = new URL(view.url, srv.url);
        const forged = new URL(u);
        forged.searchParams.set('sub', `u.${bob.id}`);
        assert.equal((await download(srv.url, forged.pathname + forged.search)).status, 404);
        const thumbWithOriginalSig = `/attachments/${view.id}/thumbnail${u.search}`;
        assert.equal((await download(srv.url, thumbWithOriginalSig)).status, 404);
        assert.equal((await download(srv.url, `/attachments/${view.id}`)).status, 401);
        assert.ok(Date.parse(view.urls_expire_at) - clock.now().getTime() >= HOUR);
        clock.advance(Date.parse(view.urls_expire_at) - clock.now().getTime() + 1000);
        assert.equal((await download(srv.url, view.url)).status, 404, 'expired');
        const info = await alice.api.get(`/attachments/${view.id}/info`);
        assert.equal(info.status, 200);
        assert.equal((await download(srv.url, info.body.attachment.url)).status, 200, 'a fresh view has fresh URLs');
      });

      it("an unposted upload is its uploader's only: 404 to anyone else, as for an unknown id, by bearer or signed URL", async () => {
        const { view } = await up(alice);
        for (const u of [bob, outsider, owner]) {
          const got = await download(srv.url, `/attachments/${view.id}`, bearer(u));
          assert.deepEqual([got.status, got.json?.error?.code], [404, 'attachment_not_found']);
          assert.equal((await u.api.get(`/attachments/${view.id}/info`)).status, 404);
        }
        assert.equal(
          (await download(srv.url, `/attachments/01900000-0000-7000-8000-000000000000`, bearer(alice))).json.error.code,
          'attachment_not_found',
        );
        const send = await bob.api.post(`/rooms/${roomId}/messages`, { attachments: [view.id] });
        assert.deepEqual([send.status, send.body.error.code], [404, 'attachment_not_found'], "nobody posts someone else's upload");
      });

      it('a posted attachment is readable by the readers of its room only; a former member, a banned user and an outsider get 404, their old URLs too', async () => {
        const { view } = await up(alice, 'jpeg');
        const sent = await alice.api.post(`/rooms/${roomId}/messages`, { content: '', attachments: [view.id] });
        assert.equal(sent.status, 201, JSON.stringify(sent.body));
        const leaverView = (await leaver.api.get(`/messages/${sent.body.id}`)).body.attachments[0];
        const bannedView = (await banned.api.get(`/messages/${sent.body.id}`)).body.attachments[0];
        assert.equal((await download(srv.url, leaverView.url)).status, 200);
        assert.equal((await leaver.api.post(`/rooms/${roomId}/leave`)).status, 204);
        assert.equal((await owner.api.post(`/rooms/${roomId}/bans`, { user_id: banned.id })).status, 204);
        for (const u of [leaver, banned, outsider]) {
          assert.equal((await download(srv.url, `/attachments/${view.id}`, bearer(u))).status, 404, u.username);
          assert.equal((await download(srv.url, `/attachments/${view.id}/thumbnail`, bearer(u))).status, 404, u.username);
        }
        assert.equal((await download(srv.url, leaverView.url)).status, 404, "a former member's URL no longer works");
        assert.equal((await download(srv.url, bannedView.url)).status, 404, "a banned user's URL no longer works");
        for (const u of [owner, bob, alice]) assert.equal((await download(srv.url, `/attachments/${view.id}`, bearer(u))).status, 200);
      });

      it('sends with attachments over REST and WebSocket: type follows them, empty content allowed, views and events carry them', async () => {
        const sock = await TestSocket.open(srv.url, { token: bob.token });
        await sock.request('join_room', { room_id: roomId });
        const [a, b] = [await up(alice, 'jpeg'), await up(alice, 'png')];
        const rest = await alice.api.post(`/rooms/${roomId}/messages`, { content: 'two pictures', attachments: [b.view.id, a.view.id] });
        assert.equal(rest.status, 201, JSON.stringify(rest.body));
        assert.equal(rest.body.type, 'image');
        assert.deepEqual(
          rest.body.attachments.map((x: { id: string }) => x.id),
          [b.view.id, a.view.id],
          'in the order sent',
        );
        const event = await sock.next((f) => f.type === 'message_created' && f.data.message.id === rest.body.id);
        const evAtt = event.data.message.attachments;
        assert.deepEqual(
          evAtt.map((x: { id: string }) => x.id),
          [b.view.id, a.view.id],
        );
        assert.match(
          evAtt[0].url,
          new RegExp(`sub=r\\.${roomId}`),
          'event URLs are signed for the room (one encoding for every subscriber)',
        );
        assert.equal((await download(srv.url, evAtt[0].url)).status, 200);
        const listed = (await bob.api.get(`/rooms/${roomId}/messages?limit=5`)).body.items.find(
          (m: { id: string }) => m.id === rest.body.id,
        );
        assert.match(listed.attachments[0].url, new RegExp(`sub=u\\.${bob.id}`), 'REST views are signed for their reader');

        const audio = await up(alice, 'mp3');
        const pdf = await up(alice, 'pdf');
        const aliceSock = await TestSocket.open(srv.url, { token: alice.token });
        const ack = await aliceSock.request('send_message', { room_id: roomId, content: '', attachments: [audio.view.id] });
        assert.equal(ack.message.type, 'audio');
        assert.equal(ack.message.content, '');
        const mixed = await aliceSock.request('send_message', { room_id: roomId, content: 'notes', attachments: [pdf.view.id] });
        assert.equal(mixed.message.type, 'file');
        await assert.rejects(aliceSock.request('send_message', { room_id: roomId, content: '  ' }), /validation_failed/);
        await assert.rejects(
          aliceSock.request('send_message', { room_id: roomId, content: 'again', attachments: [pdf.view.id] }),
          /validation_failed/,
          'an upload is posted once',
        );
        const many = await Promise.all(Array.from({ length: 11 }, () => up(alice, 'pdf')));
        const tooMany = await alice.api.post(`/rooms/${roomId}/messages`, { attachments: many.map((m) => m.view.id) });
        assert.deepEqual([tooMany.status, tooMany.body.error.code], [400, 'validation_failed']);
        const ten = await alice.api.post(`/rooms/${roomId}/messages`, { attachments: many.slice(0, 10).map((m) => m.view.id) });
        assert.equal(ten.status, 201, 'ten is the limit');
        assert.equal(ten.body.attachments.length, 10);
        sock.close();
        aliceSock.close();
      });

      it('deleting a message removes its attachments and their bytes; the tombstone has none', async () => {
        const dataDir = srv.app.config.DATA_DIR;
        const before = storedFiles(dataDir);
        const { view } = await up(alice, 'jpeg');
        assert.equal(storedFiles(dataDir).length, before.length + 2, 'the original and its thumbnail');
        const sent = await alice.api.post(`/rooms/${roomId}/messages`, { attachments: [view.id] });
        assert.equal((await alice.api.delete(`/messages/${sent.body.id}`)).status, 204);
        const tomb = await bob.api.get(`/messages/${sent.body.id}`);
        assert.deepEqual([tomb.body.content, tomb.body.attachments], ['[deleted]', []]);
        assert.equal((await download(srv.url, `/attachments/${view.id}`, bearer(alice))).status, 404);
        assert.deepEqual(storedFiles(dataDir), before, 'the bytes are gone');
      });

      it('room covers: an admin of an image or video room sets an image or video they uploaded; whoever sees the room sees it', async () => {
        const room = await makeRoom(owner, [alice], { type: 'public', topic_kind: 'image' });
        const { view, data } = await up(owner, 'jpeg');
        const set = await owner.api.put(`/rooms/${room}`, { cover_attachment_id: view.id });
        assert.equal(set.status, 200, JSON.stringify(set.body));
        assert.equal(set.body.cover.id, view.id);
        const seen = await outsider.api.get(`/rooms/${room}`);
        assert.equal(seen.body.cover.id, view.id, 'a public room shows its cover in its preview');
        const got = await download(srv.url, seen.body.cover.url);
        assert.deepEqual([got.status, got.bytes.equals(data)], [200, true]);
        assert.equal((await download(srv.url, seen.body.cover.thumbnail.url)).status, 200);
        const mine = await up(alice, 'png');
        refusedPut(await alice.api.put(`/rooms/${room}`, { cover_attachment_id: mine.view.id }), 403, 'forbidden');
        refusedPut(await owner.api.put(`/rooms/${room}`, { cover_attachment_id: mine.view.id }), 404, 'attachment_not_found');
        refusedPut(
          await owner.api.put(`/rooms/${room}`, { cover_attachment_id: (await up(owner, 'pdf')).view.id }),
          400,
          'validation_failed',
        );
        const textRoom = await makeRoom(owner, [], { topic_kind: 'text' });
        refusedPut(
          await owner.api.put(`/rooms/${textRoom}`, { cover_attachment_id: (await up(owner, 'png')).view.id }),
          400,
          'validation_failed',
        );
        const video = await up(owner, 'mp4');
        assert.equal(
          (await owner.api.put(`/rooms/${room}`, { topic_kind: 'video', cover_attachment_id: video.view.id })).body.cover.kind,
          'video',
        );
        assert.equal((await download(srv.url, seen.body.cover.url)).status, 404, 'a replaced cover is no longer served by its room URL');
        const cleared = await owner.api.put(`/rooms/${room}`, { cover_attachment_id: null });
        assert.equal(cleared.body.cover, null);
      });

      it('avatars: avatar_url takes the id of an image I uploaded, served to anyone while it is my avatar', async () => {
        const { view } = await up(alice, 'png');
        const me = await alice.api.patch('/users/me', { avatar_url: view.id });
        assert.equal(me.status, 200, JSON.stringify(me.body));
        assert.equal(me.body.avatar_url, `/attachments/${view.id}/avatar`);
        assert.equal((await bob.api.get(`/users/${alice.id}`)).body.avatar_url, me.body.avatar_url);
        const got = await download(srv.url, me.body.avatar_url);
        assert.deepEqual(
          [got.status, got.headers.get('content-type')],
          [200, 'image/webp'],
          'the thumbnail, without a token (an <img> sends none)',
        );
        refusedPut(await bob.api.patch('/users/me', { avatar_url: view.id }), 404, 'attachment_not_found');
        refusedPut(await alice.api.patch('/users/me', { avatar_url: (await up(alice, 'pdf')).view.id }), 400, 'validation_failed');
        assert.equal(
          (await download(srv.url, `/attachments/${(await up(bob, 'png')).view.id}/avatar`)).status,
          404,
          'an upload is served as an avatar only while it is one',
        );
        assert.equal((await alice.api.patch('/users/me', { avatar_url: 'https://example.test/me.png' })).status, 200);
        assert.equal((await download(srv.url, me.body.avatar_url)).status, 404, 'a former avatar is not served');
      });

      it('the job scheduler deletes uploads left unposted for 24 hours, with their bytes', async () => {
        const dataDir = srv.app.config.DATA_DIR;
        const posted = await up(alice, 'jpeg');
        await alice.api.post(`/rooms/${roomId}/messages`, { attachments: [posted.view.id] });
        const { view } = await up(alice, 'jpeg');
        const filesOf = (id: string) => storedFiles(dataDir).filter((f) => f.includes(id));
        assert.equal(filesOf(view.id).length, 2);
        clock.advance(23 * HOUR);
        await srv.app.jobs.tick();
        // (Tokens live 24 hours: the store answers from here.)
        assert.ok(await srv.app.store.attachments.findById(view.id), 'kept within its day');
        clock.advance(2 * HOUR);
        await srv.app.jobs.tick();
        assert.equal(await srv.app.store.attachments.findById(view.id), undefined, 'deleted after it');
        assert.deepEqual(filesOf(view.id), [], 'its bytes are gone');
        assert.equal(filesOf(posted.view.id).length, 2, 'posted ones stay');
        assert.ok(await srv.app.store.attachments.findById(posted.view.id));
      });
    },
  );
}
