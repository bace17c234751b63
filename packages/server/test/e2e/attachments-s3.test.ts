import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { validCorpus } from '../helpers/corpus/valid.ts';
import { EICAR } from '../helpers/corpus/malicious.ts';
import { makeRoom, type User } from '../helpers/message-fixtures.ts';
import { testS3, type TestS3 } from '../helpers/s3.ts';
import { signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { download, upload } from '../helpers/uploads.ts';

/** The same pipeline on S3-compatible storage (scaled mode): stored, served with ranges, refused without a trace, deleted with its message. */
describe('attachments on S3 storage', () => {
  let s3: TestS3;
  let srv: TestServer;
  let client: S3Client;
  let user: User;
  const bucket = `rooms-att-${randomBytes(4).toString('hex')}`;
  const keys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key).sort();

  before(async () => {
    s3 = await testS3();
    srv = await startServer(backends()[0]!, {
      config: {
        STORAGE: 's3',
        S3_ENDPOINT: s3.url,
        S3_BUCKET: bucket,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_CREATE_BUCKET: 'true',
      },
    });
    client = new S3Client({
      endpoint: s3.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    user = await signup(srv.url);
  });
  after(async () => {
    client?.destroy();
    await srv?.stop();
    await s3?.stop();
  });

  it('stores an image and its thumbnail as objects, serves them (Range too), refuses malware and deletes with the message, leaving no object behind', async () => {
    const jpeg = (await validCorpus()).jpeg.data;
    const res = await upload(srv.url, user.token, 'photo.jpg', jpeg);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { id, url } = res.body.attachment;
    assert.deepEqual(await keys(), [`attachments/${id}`, `attachments/${id}.thumbnail`]);
    const got = await download(srv.url, url);
    assert.ok(got.bytes.equals(jpeg));
    const part = await download(srv.url, url, { range: 'bytes=100-199' });
    assert.deepEqual([part.status, part.bytes.equals(jpeg.subarray(100, 200))], [206, true]);
    const refused = await upload(srv.url, user.token, 'eicar.txt', Buffer.from(EICAR));
    assert.equal(refused.status, 422);
    assert.equal((await keys()).length, 2, 'a refusal stores nothing');
    const room = await makeRoom(user);
    const sent = await user.api.post(`/rooms/${room}/messages`, { attachments: [id] });
    assert.equal(sent.status, 201);
    assert.equal((await user.api.delete(`/messages/${sent.body.id}`)).status, 204);
    assert.deepEqual(await keys(), [], 'deleting the message deleted its objects');
  });
});
