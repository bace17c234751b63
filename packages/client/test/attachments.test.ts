import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { formatBytes, type LiveConnection, type OutboxItem, openFile, RoomsApiError, type UploadProgress } from '../src/node.ts';
import { connected, FAST, member, roomOf, type TestServer, wsSetups } from './helpers.ts';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** A real PNG of w×h noise (noise does not compress: the file is big enough for several progress steps). */
async function png(w: number, h: number): Promise<Buffer> {
  const raw = randomBytes(w * h * 3);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

// Uploads through the SDK against the real server: every source (bytes, a file streamed from disk,
// a Node stream), progress, cancel, refusals as typed errors, and messages that carry attachments
// over REST and through the live connection's outbox.
const setup = wsSetups()[0]!;
describe(`client attachments: ${setup.name}`, () => {
  let srv: TestServer;
  const lives: LiveConnection[] = [];
  let image: Buffer;
  let dir: string;
  before(async () => {
    srv = await setup.start();
    image = await png(400, 300);
    dir = mkdtempSync(join(tmpdir(), 'rooms-sdk-upload-'));
  });
  afterEach(() => {
    for (const l of lives.splice(0)) l.stop();
  });
  after(() => srv.stop());

  it('uploads bytes with progress up to the whole file; the view has the detected type, the dimensions and working URLs', async () => {
    const alice = await member(srv.url);
    const steps: UploadProgress[] = [];
    const att = await alice.client.attachments.upload(new Uint8Array(image), { filename: 'noise.png', onProgress: (p) => steps.push(p) });
    assert.equal(att.filename, 'noise.png');
    assert.equal(att.mime_type, 'image/png');
    assert.equal(att.kind, 'image');
    assert.equal(att.size, image.length);
    assert.deepEqual([att.width, att.height], [400, 300]);
    assert.ok(steps.length > 1, `several progress steps (${steps.length})`);
    assert.deepEqual(steps.at(-1), { loaded: image.length, total: image.length });
    for (let i = 1; i < steps.length; i++) assert.ok(steps[i]!.loaded >= steps[i - 1]!.loaded);
    const res = await fetch(new URL(att.url, srv.url));
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), image);
    assert.ok(att.thumbnail);
    assert.equal((await fetch(new URL(att.thumbnail.url, srv.url))).status, 200);
  });

  it('streams a file from disk (openFile) and a Node stream; the file name comes from the path', async () => {
    const alice = await member(srv.url);
    const path = join(dir, 'from disk.png');
    writeFileSync(path, image);
    const fromDisk = await alice.client.attachments.upload(await openFile(path));
    assert.equal(fromDisk.filename, 'from disk.png');
    assert.equal(fromDisk.size, image.length);
    let last = 0;
    const fromStream = await alice.client.attachments.upload(Readable.from([image.subarray(0, 1000), image.subarray(1000)]), {
      filename: 'stream.png',
      onProgress: (p) => (last = p.loaded),
    });
    assert.equal(fromStream.size, image.length);
    assert.equal(last, image.length);
  });

  it('refusals are typed errors: EICAR is malware (422), an executable named .png is refused, text is an unsupported type (415)', async () => {
    const alice = await member(srv.url);
    await assert.rejects(alice.client.attachments.upload(new TextEncoder().encode(EICAR), { filename: 'eicar.txt' }), (e) => {
      assert.ok(e instanceof RoomsApiError);
      assert.deepEqual([e.status, e.code], [422, 'malware_detected']);
      return true;
    });
    const pe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
    pe.writeUInt32LE(64, 0x3c);
    await assert.rejects(
      alice.client.attachments.upload(pe, { filename: 'cat.png' }),
      (e) => e instanceof RoomsApiError && e.status >= 415 && e.status <= 422,
    );
    await assert.rejects(alice.client.attachments.upload(new TextEncoder().encode('just some words'), { filename: 'notes.txt' }), {
      status: 415,
      code: 'unsupported_type',
    });
  });

  it('one byte over the limit is refused while streaming: 413 payload_too_large, not a cut connection', async () => {
    const alice = await member(srv.url);
    const over = Buffer.concat([image, Buffer.alloc(10 * 1024 * 1024 + 1 - image.length)]);
    await assert.rejects(alice.client.attachments.upload(over, { filename: 'big.png' }), { status: 413, code: 'payload_too_large' });
  });

  it('an aborted upload rejects with code aborted', async () => {
    const alice = await member(srv.url);
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(alice.client.attachments.upload(image, { signal: ctl.signal }), { code: 'aborted', status: 0 });
    // Abort mid-way: a slow stream, cancelled after its first chunk went out.
    const mid = new AbortController();
    async function* slow() {
      yield image.subarray(0, 5000);
      await new Promise((r) => setTimeout(r, 2000));
      yield image.subarray(5000);
    }
    const upload = alice.client.attachments.upload(slow(), { filename: 'slow.png', signal: mid.signal, onProgress: () => mid.abort() });
    await assert.rejects(upload, { code: 'aborted' });
  });

  it('messages carry attachments over REST and through the outbox; a failed upload fails the queued message', async () => {
    const alice = await member(srv.url);
    const bob = await member(srv.url);
    const roomId = await roomOf(alice, bob);
    const att = await alice.client.attachments.upload(image, { filename: 'cat.png' });
    const { message } = await alice.client.messages.send(roomId, { content: 'look', attachments: [att.id] });
    assert.equal(message.type, 'image');
    assert.deepEqual(
      message.attachments?.map((a) => a.id),
      [att.id],
    );
    const seen = await bob.client.messages.get(message.id);
    assert.equal(seen.attachments?.[0]?.filename, 'cat.png');

    const la = alice.client.live(FAST);
    lives.push(la);
    await connected(la);
    const failed: OutboxItem[] = [];
    la.on('failed', (item) => failed.push(item));
    const later = alice.client.attachments.upload(image, { filename: 'later.png' }).then((a) => [a.id]);
    const sent = await la.send(roomId, '', { attachments: later });
    assert.equal(sent.attachments?.[0]?.filename, 'later.png');
    assert.equal(sent.content, '');
    const refused = alice.client.attachments.upload(new TextEncoder().encode(EICAR), { filename: 'x.txt' }).then((a) => [a.id]);
    await assert.rejects(la.send(roomId, 'with malware', { attachments: refused }), { code: 'malware_detected' });
    assert.deepEqual(
      failed.map((i) => i.content),
      ['with malware'],
    );
    assert.equal(await la.queued(), 0);
  });

  it('formatBytes reads like people write sizes', () => {
    assert.deepEqual([0, 532, 1024, 1_258_291, 10_485_760, 3 * 1024 ** 3].map(formatBytes), [
      '0 B',
      '532 B',
      '1.0 KB',
      '1.2 MB',
      '10 MB',
      '3.0 GB',
    ]);
  });
});
