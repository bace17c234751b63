import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ATTACHMENT_LIMITS } from '@rooms/protocol';
import { maliciousCorpus } from '../helpers/corpus/malicious.ts';
import { validCorpusFiles } from '../helpers/corpus/valid.ts';
import { signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { download, storedFiles, upload } from '../helpers/uploads.ts';

const MAX = ATTACHMENT_LIMITS.maxBytesDefault;

/** A PDF of exactly n bytes: a header, a comment padded with spaces, and the end marker. */
function pdfOfSize(n: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n%');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, Buffer.alloc(n - head.length - tail.length, 0x20), tail]);
}

for (const backend of backends()) {
  describe(`attachments: uploads over HTTP: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    let dataDir: string;
    let user: Awaited<ReturnType<typeof signup>>;
    before(async () => {
      srv = await startServer(backend, { config: { UPLOAD_RATE_LIMIT: 100_000 } });
      dataDir = srv.app.config.DATA_DIR;
      user = await signup(srv.url);
    });
    after(() => srv.stop());

    /** Uploads that must be refused with this status and code, leaving no bytes, temp files or rows behind. */
    async function refusedUpload(name: string, data: Buffer, status: number, code: string) {
      const files = storedFiles(dataDir);
      const bytes = await srv.app.store.attachments.bytesOf(user.id);
      const res = await upload(srv.url, user.token, name, data);
      assert.deepEqual([res.status, res.body?.error?.code], [status, code], `${name}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(storedFiles(dataDir), files, `${name}: nothing kept on disk`);
      assert.equal(await srv.app.store.attachments.bytesOf(user.id), bytes, `${name}: no row`);
      return res;
    }

    it('accepts every valid file of the corpus as the type its bytes say, and refuses the others with 415, keeping nothing', async () => {
      let accepted = 0;
      let refused = 0;
      for (const [key, f] of await validCorpusFiles()) {
        if ('refused' in f.expect || key === 'pngBomb') {
          await refusedUpload(f.name, f.data, 415, 'unsupported_type');
          refused++;
          continue;
        }
        const res = await upload(srv.url, user.token, f.name, f.data);
        assert.equal(res.status, 201, `${key}: ${JSON.stringify(res.body)}`);
        const a = res.body.attachment;
        assert.deepEqual([a.mime_type, a.kind, a.filename], [f.expect.mime, f.expect.kind, f.name], key);
        if (f.width !== undefined) assert.deepEqual([a.width, a.height], [f.width, f.height], `${key}: dimensions`);
        if (a.kind === 'image') {
          assert.ok(
            a.thumbnail && a.thumbnail.width <= 400 && a.thumbnail.height <= 400,
            `${key}: thumbnail ${JSON.stringify(a.thumbnail)}`,
          );
        } else assert.equal(a.thumbnail, null, key);
        const got = await download(srv.url, a.url);
        assert.equal(got.status, 200, key);
        assert.equal(got.headers.get('content-type'), f.expect.mime, key);
        if (key !== 'jpegGps') assert.ok(got.bytes.equals(f.data), `${key}: the stored bytes are the uploaded ones`);
        accepted++;
      }
      assert.ok(accepted >= 20 && refused >= 5, `${accepted} accepted, ${refused} refused`);
    });

    it('refuses every malicious file of the corpus with 422 and its code, before its type is looked at, keeping nothing', async () => {
      const corpus = await maliciousCorpus();
      for (const f of corpus) {
        const res = await refusedUpload(f.filename, f.data, 422, f.code);
        assert.match(res.body.error.message, f.reason, f.name);
      }
      assert.ok(corpus.length >= 10, `${corpus.length} malicious files`);
    });

    it('accepts exactly ATTACHMENT_MAX_BYTES (10 MiB) and refuses one byte more with 413, keeping nothing', async () => {
      const res = await upload(srv.url, user.token, 'big.pdf', pdfOfSize(MAX));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.attachment.size, MAX);
      await refusedUpload('big.pdf', pdfOfSize(MAX + 1), 413, 'payload_too_large');
    });

    it('keeps filenames for display only, sanitised: no path, no control or bidi-override characters, bounded length', async () => {
      const pdf = pdfOfSize(1000);
      const name = async (n: string) => {
        const res = await upload(srv.url, user.token, n, pdf);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body.attachment.filename as string;
      };
      assert.equal(await name('../../etc/passwd.pdf'), 'passwd.pdf');
      assert.equal(await name('..\\..\\windows\\evil.pdf'), 'evil.pdf');
      const rtl = await name('invoice\u202Efdp.exe');
      assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(rtl), `no bidi override: ${JSON.stringify(rtl)}`);
      const long = await name(`${'a'.repeat(300)}.pdf`);
      assert.ok([...long].length <= 255 && long.endsWith('.pdf'), long);
      const got = await download(srv.url, (await upload(srv.url, user.token, 'rapport été.pdf', pdf)).body.attachment.url);
      assert.match(
        got.headers.get('content-disposition') ?? '',
        /^attachment; filename="rapport _t_.pdf"; filename\*=UTF-8''rapport%20%C3%A9t%C3%A9.pdf$/,
      );
    });

    it('refuses anonymous uploads, a missing file part and a JSON body, keeping nothing', async () => {
      const files = storedFiles(dataDir);
      const anon = await upload(srv.url, undefined, 'a.pdf', pdfOfSize(100));
      assert.deepEqual([anon.status, anon.body.error.code], [401, 'unauthenticated']);
      const wrongField = await upload(srv.url, user.token, 'a.pdf', pdfOfSize(100), { field: 'other' });
      assert.deepEqual([wrongField.status, wrongField.body.error.code], [400, 'validation_failed']);
      const json = await user.api.post('/attachments/upload', { file: 'x' });
      assert.deepEqual([json.status, json.body.error.code], [415, 'unsupported_media_type']);
      assert.deepEqual(storedFiles(dataDir), files);
    });
  });

  describe(`attachments: temp files a crash left: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(backend);
    });
    after(() => srv.stop());

    it('removes upload temp files untouched for an hour (a crash mid-upload), keeping recent ones', async () => {
      const tmp = join(srv.app.config.DATA_DIR, 'tmp', 'uploads');
      mkdirSync(tmp, { recursive: true });
      const stale = join(tmp, '01900000-0000-7000-8000-00000000dead');
      const staleClean = `${stale}.clean`;
      const recent = join(tmp, '01900000-0000-7000-8000-00000000beef');
      for (const p of [stale, staleClean, recent]) writeFileSync(p, 'X'.repeat(1000));
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      for (const p of [stale, staleClean]) utimesSync(p, twoHoursAgo, twoHoursAgo);
      const rel = (p: string) => p.slice(srv.app.config.DATA_DIR.length + 1);
      const user = await signup(srv.url);
      assert.equal((await upload(srv.url, user.token, 'a.pdf', pdfOfSize(500))).status, 201);
      const left = storedFiles(srv.app.config.DATA_DIR);
      assert.ok(!left.includes(rel(stale)) && !left.includes(rel(staleClean)), `stale temp files removed: ${left.join(', ')}`);
      assert.ok(left.includes(rel(recent)), 'a recent one may be an upload under way: kept');
    });
  });

  describe(`attachments: quota and upload rate: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(backend, { config: { ATTACHMENT_QUOTA_BYTES: 2500, UPLOAD_RATE_LIMIT: 4, UPLOAD_RATE_WINDOW: 60 } });
    });
    after(() => srv.stop());

    it("refuses an upload past the user's quota (403 limit_reached), and past the upload rate (429 with Retry-After)", async () => {
      const u = await signup(srv.url);
      const pdf = pdfOfSize(1000);
      assert.equal((await upload(srv.url, u.token, 'a.pdf', pdf)).status, 201);
      assert.equal((await upload(srv.url, u.token, 'b.pdf', pdf)).status, 201);
      const files = storedFiles(srv.app.config.DATA_DIR);
      const over = await upload(srv.url, u.token, 'c.pdf', pdf);
      assert.deepEqual([over.status, over.body.error.code], [403, 'limit_reached']);
      assert.deepEqual(storedFiles(srv.app.config.DATA_DIR), files);
      assert.equal((await upload(srv.url, u.token, 'small.pdf', pdfOfSize(400))).status, 201, 'what fits in the quota still goes');
      const limited = await upload(srv.url, u.token, 'd.pdf', pdfOfSize(100));
      assert.deepEqual([limited.status, limited.body.error.code], [429, 'rate_limited']);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      const other = await signup(srv.url);
      assert.equal((await upload(srv.url, other.token, 'a.pdf', pdf)).status, 201, 'the limits are per user');
    });
  });
}
