import assert from 'node:assert/strict';
import { type Server, type Socket, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { hasGps } from '../../src/files/exif-gps.ts';
import { validCorpus } from '../helpers/corpus/valid.ts';
import { signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { download, storedFiles, upload } from '../helpers/uploads.ts';

/**
 * Issue 16 through the HTTP route, beside the unit suites of the scanner and the image pipeline:
 * clamd failing closed (503 scanner_unavailable, nothing kept) and refusing what only it knows;
 * EXIF location removed from the original that is served, unless IMAGE_KEEP_GPS.
 */

const clamdUrl = process.env.TEST_CLAMD_URL || undefined;
if (!clamdUrl && process.env.CI) throw new Error('TEST_CLAMD_URL is not set, and CI must not skip clamd (scripts/clamd-test.sh starts it)');

/** A string only the test signature database of scripts/clamd-test.sh knows (the built-in scanner lets it through). */
const CLAMD_MARKER = 'ROOMS-CLAMD-TEST-MARKER-5f3c9a';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** A small valid PDF, with `comment` in a comment line. */
const pdf = (comment = 'a note') => Buffer.from(`%PDF-1.4\n% ${comment}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);

/** A TCP server that takes clamd's connection and never answers. */
function silentServer(): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  return new Promise((resolve) => {
    const server = createServer((s) => {
      sockets.push(s);
      s.on('error', () => {});
      s.resume();
    }).listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as { port: number }).port,
        close: async () => {
          for (const s of sockets) s.destroy();
          await new Promise((r) => server.close(r));
        },
      }),
    );
  });
}

/** The location and orientation an image's bytes carry, as sharp reads them. */
async function locationOf(bytes: Buffer): Promise<{ gps: boolean; orientation: number | undefined }> {
  const meta = await sharp(bytes).metadata();
  return { gps: hasGps(meta), orientation: meta.orientation };
}

for (const backend of backends()) {
  const skip = !backend.available && 'TEST_DATABASE_URL not set';

  describe(`attachments: a clamd that does not answer fails closed: ${backend.name}`, { skip }, () => {
    let srv: TestServer;
    let silent: Awaited<ReturnType<typeof silentServer>>;
    before(async () => {
      silent = await silentServer();
      srv = await startServer(backend, { config: { CLAMD_URL: `tcp://127.0.0.1:${silent.port}`, CLAMD_TIMEOUT: 1 } });
    });
    after(async () => {
      await srv.stop();
      await silent.close().catch(() => {});
    });

    it('answers 503 scanner_unavailable with Retry-After, keeping nothing: clamd silent, then gone', async () => {
      const user = await signup(srv.url);
      const dataDir = srv.app.config.DATA_DIR;
      const files = storedFiles(dataDir);
      const refused = async (what: string) => {
        const res = await upload(srv.url, user.token, 'clean.pdf', pdf());
        assert.deepEqual([res.status, res.body?.error?.code], [503, 'scanner_unavailable'], `${what}: ${JSON.stringify(res.body)}`);
        assert.ok(Number(res.headers.get('retry-after')) > 0, `${what}: Retry-After`);
        assert.deepEqual(storedFiles(dataDir), files, `${what}: nothing kept on disk`);
        assert.equal(await srv.app.store.attachments.bytesOf(user.id), 0, `${what}: no row`);
      };
      await refused('clamd silent');
      await silent.close();
      await refused('nothing listening');
      // The built-in checks still come first: malware is refused as such, not as "try later".
      const eicar = await upload(srv.url, user.token, 'eicar.txt', Buffer.from(EICAR));
      assert.deepEqual([eicar.status, eicar.body?.error?.code], [422, 'malware_detected']);
    });
  });

  describe(
    `attachments: clamd over HTTP: ${backend.name}`,
    { skip: skip || (!clamdUrl && 'TEST_CLAMD_URL is not set (scripts/clamd-test.sh)') },
    () => {
      let srv: TestServer;
      before(async () => {
        srv = await startServer(backend, { config: { CLAMD_URL: clamdUrl, UPLOAD_RATE_LIMIT: 1000 } });
      });
      after(() => srv.stop());

      it('refuses what only clamd knows with 422 malware_detected, keeping nothing; clean files go through', async () => {
        const user = await signup(srv.url);
        const dataDir = srv.app.config.DATA_DIR;
        const files = storedFiles(dataDir);
        const bad = await upload(srv.url, user.token, 'paper.pdf', pdf(CLAMD_MARKER));
        assert.deepEqual([bad.status, bad.body?.error?.code], [422, 'malware_detected'], JSON.stringify(bad.body));
        assert.deepEqual(storedFiles(dataDir), files, 'nothing kept on disk');
        assert.equal(await srv.app.store.attachments.bytesOf(user.id), 0, 'no row');
        const good = await upload(srv.url, user.token, 'paper.pdf', pdf());
        assert.equal(good.status, 201, JSON.stringify(good.body));
      });
    },
  );

  describe(`attachments: EXIF location in served originals: ${backend.name}`, { skip }, () => {
    it('is removed by default (orientation kept, thumbnail without metadata); IMAGE_KEEP_GPS=true keeps the original as uploaded', async () => {
      const f = (await validCorpus()).jpegGps;
      assert.equal((await locationOf(f.data)).gps, true, 'the corpus photo carries a location');
      for (const keep of [false, true]) {
        const srv = await startServer(backend, { config: { IMAGE_KEEP_GPS: String(keep) } });
        try {
          const user = await signup(srv.url);
          const res = await upload(srv.url, user.token, f.name, f.data);
          assert.equal(res.status, 201, JSON.stringify(res.body));
          const a = res.body.attachment;
          assert.deepEqual([a.width, a.height], [400, 600], 'displayed dimensions');
          const original = await download(srv.url, a.url);
          assert.equal(original.status, 200);
          assert.equal(a.size, original.bytes.length, 'the size is that of the bytes served');
          if (keep) assert.ok(original.bytes.equals(f.data), 'IMAGE_KEEP_GPS: the original as uploaded');
          else {
            assert.deepEqual(await locationOf(original.bytes), { gps: false, orientation: 6 }, 'no location; orientation kept');
          }
          const thumb = await download(srv.url, a.thumbnail.url);
          const meta = await sharp(thumb.bytes).metadata();
          assert.deepEqual([meta.exif, meta.xmp], [undefined, undefined], 'the thumbnail carries no metadata');
        } finally {
          await srv.stop();
        }
      }
    });
  });
}
