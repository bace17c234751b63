/**
 * Attachments bench (issue 16): a real server (child process, fresh DATA_DIR) and, with each
 * figure, its baseline measured in the same run, so the ratio is what to compare:
 *  - upload throughput (MB/s) of 1 MB and 10 MB files through POST /attachments/upload, against a
 *    plain write (fsync'd) of the same bytes to disk;
 *  - thumbnail time per image: the server's image preparation (prepareImage: header, pixel bound,
 *    WebP thumbnail) against sharp alone making the same thumbnail; and through the route, a photo's
 *    upload against a document of the same size;
 *  - 20 concurrent 10 MB uploads: the server's RSS growth (goal ≤ 100 MB: streamed, never buffered);
 *  - the send path: POST /rooms/:id/messages with one attachment against without.
 * Usage: npm run bench:attachments -- [--storage disk|s3] [--rounds 1mb=30,10mb=8] [--sends 200] [--write] [--verbose]
 * --storage s3 starts s3rver on 127.0.0.1 (packages/server/test/helpers/s3-server.ts) for the server.
 * --write puts the report into BENCHMARKS.md (its own kept section, which full bench runs keep).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { ATTACHMENT_LIMITS } from '@rooms/protocol';
import { loadConfig } from '../packages/server/src/config/config.ts';
import { createImagePreparer } from '../packages/server/src/files/images.ts';
import { photo } from '../packages/server/test/helpers/corpus/valid.ts';
import { cpuMs, loadAvg, machine, rssBytes } from './lib/proc.ts';
import { BENCH_SETUP_TOKEN, startServer } from './lib/server.ts';
import { writeSection } from './report/kept-sections.ts';

const { values } = parseArgs({
  options: {
    storage: { type: 'string', default: 'disk' },
    'uploads-1mb': { type: 'string', default: '30' },
    'uploads-10mb': { type: 'string', default: '8' },
    images: { type: 'string', default: '10' },
    concurrent: { type: 'string', default: '20' },
    sends: { type: 'string', default: '200' },
    write: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const log = (msg: string) => console.error(msg);
const MB = 1_000_000;
const started = new Date();
const load0 = loadAvg();
const work = mkdtempSync(join(tmpdir(), 'rooms-bench-att-'));

// ── The server ───────────────────────────────────────────────────────────────────────────────────

async function startS3(): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '../packages/server/test/helpers/s3-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const s3 = JSON.parse(line) as { url: string; accessKeyId: string; secretAccessKey: string };
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  return {
    env: {
      STORAGE: 's3',
      S3_ENDPOINT: s3.url,
      S3_BUCKET: 'rooms-bench',
      S3_CREATE_BUCKET: 'true',
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (!['disk', 's3'].includes(values.storage!)) throw new Error(`--storage is disk or s3, not ${values.storage}`);
const s3 = values.storage === 's3' ? await startS3() : undefined;
const server = await startServer(
  {
    DATA_DIR: join(work, 'data'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    BCRYPT_COST: '10',
    MESSAGE_RATE_LIMIT: '100000',
    UPLOAD_RATE_LIMIT: '1000000',
    ATTACHMENT_QUOTA_BYTES: String(1e12),
    ...s3?.env,
  },
  { verbose: values.verbose },
);

let token = '';
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function upload(data: Buffer, filename: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([data as Uint8Array<ArrayBuffer>]), filename);
  const res = await fetch(`${server.url}/attachments/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as { attachment?: { id: string } };
  if (res.status !== 201 || !body.attachment) throw new Error(`upload of ${filename}: ${res.status} ${JSON.stringify(body)}`);
  return body.attachment.id;
}

// ── Files ────────────────────────────────────────────────────────────────────────────────────────

/** A PDF of exactly `size` bytes: a page and a stream of lowercase text (nothing a scanner looks for). */
function pdf(size: number): Buffer {
  const head =
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n';
  const tail = '\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
  const streamHead = (n: number) => `4 0 obj << /Length ${n} >> stream\n`;
  let fill = size - head.length - tail.length - streamHead(size).length;
  while (head.length + streamHead(fill).length + fill + tail.length < size) fill++; // the Length has fewer digits than size
  const text = Buffer.alloc(fill);
  const letters = randomBytes(fill);
  for (let i = 0; i < fill; i++) text[i] = i % 80 === 79 ? 10 : 97 + (letters[i]! % 26);
  const out = Buffer.concat([Buffer.from(head + streamHead(fill)), text, Buffer.from(tail)]);
  if (out.length !== size) throw new Error(`pdf(${size}) came out ${out.length} bytes`);
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

// ── Scenarios ────────────────────────────────────────────────────────────────────────────────────

interface Throughput {
  label: string;
  count: number;
  uploadMBs: number;
  plainMBs: number;
  uploadMsP50: number;
  /** The server's CPU time (all threads) per upload. */
  serverCpuMs: number;
  /** The bench process's CPU time per upload (the client: multipart encoding, HTTP). */
  clientCpuMs: number;
}

async function throughput(size: number, count: number, label: string): Promise<Throughput> {
  const files = Array.from({ length: count }, () => pdf(size));
  await upload(files[0]!, 'warmup.pdf');
  const times: number[] = [];
  const cpu0 = cpuMs(server.pid) ?? 0;
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  for (const [i, f] of files.entries()) {
    const s = performance.now();
    await upload(f, `doc-${i}.pdf`);
    times.push(performance.now() - s);
  }
  const uploadSecs = (performance.now() - t0) / 1000;
  const serverCpuMs = ((cpuMs(server.pid) ?? 0) - cpu0) / count;
  const c = process.cpuUsage(client0);
  const clientCpuMs = (c.user + c.system) / 1000 / count;
  // The baseline: the same bytes written to a file and flushed, one file after another.
  const t1 = performance.now();
  for (const [i, f] of files.entries()) await writeFile(join(work, `plain-${i}.bin`), f, { flush: true });
  const plainSecs = (performance.now() - t1) / 1000;
  return {
    label,
    count,
    uploadMBs: (size * count) / MB / uploadSecs,
    plainMBs: (size * count) / MB / plainSecs,
    uploadMsP50: median(times),
    serverCpuMs,
    clientCpuMs,
  };
}

interface Thumbs {
  width: number;
  height: number;
  bytes: number;
  count: number;
  prepareMs: number;
  sharpMs: number;
  imageUploadMs: number;
  docUploadMs: number;
}

async function thumbnails(count: number): Promise<Thumbs> {
  const [width, height] = [2400, 1600];
  const image = await photo(width, height);
  const path = join(work, 'photo.jpg');
  writeFileSync(path, image);
  const preparer = createImagePreparer(loadConfig({}));
  const box = ATTACHMENT_LIMITS.thumbnailBox;
  const sharpAlone = () =>
    sharp(path).autoOrient().resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
  await preparer.prepareImage(path, 'image/jpeg');
  await sharpAlone();
  const prep: number[] = [];
  const alone: number[] = [];
  for (let i = 0; i < count; i++) {
    let s = performance.now();
    await preparer.prepareImage(path, 'image/jpeg');
    prep.push(performance.now() - s);
    s = performance.now();
    await sharpAlone();
    alone.push(performance.now() - s);
  }
  // Through the route: the photo against a document of the same size, interleaved.
  const doc = pdf(image.length);
  const img: number[] = [];
  const docs: number[] = [];
  for (let i = 0; i < count; i++) {
    let s = performance.now();
    await upload(image, `photo-${i}.jpg`);
    img.push(performance.now() - s);
    s = performance.now();
    await upload(doc, `same-size-${i}.pdf`);
    docs.push(performance.now() - s);
  }
  return {
    width,
    height,
    bytes: image.length,
    count,
    prepareMs: median(prep),
    sharpMs: median(alone),
    imageUploadMs: median(img),
    docUploadMs: median(docs),
  };
}

interface Concurrent {
  uploads: number;
  size: number;
  seconds: number;
  rssBefore: number;
  rssPeak: number;
  growth: number;
}

async function concurrentUploads(n: number, size: number): Promise<Concurrent> {
  const files = Array.from({ length: n }, () => pdf(size));
  const rssBefore = rssBytes(server.pid) ?? 0;
  let rssPeak = rssBefore;
  const timer = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(server.pid) ?? 0)), 10);
  const t0 = performance.now();
  try {
    await Promise.all(files.map((f, i) => upload(f, `concurrent-${i}.pdf`)));
  } finally {
    clearInterval(timer);
  }
  rssPeak = Math.max(rssPeak, rssBytes(server.pid) ?? 0);
  return { uploads: n, size, seconds: (performance.now() - t0) / 1000, rssBefore, rssPeak, growth: rssPeak - rssBefore };
}

interface Sends {
  count: number;
  plain: { perSec: number; p50: number; p99: number };
  withAttachment: { perSec: number; p50: number; p99: number };
}

async function sendPath(count: number, roomId: string): Promise<Sends> {
  const small = pdf(20_000);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await upload(small, `note-${i}.pdf`));
  // Interleaved, one of each in turn, so a busy moment of the machine falls on both alike.
  const times = { plain: [] as number[], with: [] as number[] };
  const total = { plain: 0, with: 0 };
  const send = async (body: unknown) => {
    const s = performance.now();
    await api('POST', `/rooms/${roomId}/messages`, body);
    return performance.now() - s;
  };
  for (let i = 0; i < 20; i++) await send({ content: `warm-up ${i}` });
  for (let i = 0; i < count; i++) {
    const a = await send({ content: `plain ${i}` });
    const b = await send({ content: `with file ${i}`, attachments: [ids[i]] });
    times.plain.push(a);
    times.with.push(b);
    total.plain += a;
    total.with += b;
  }
  const figures = (xs: number[], ms: number) => ({ perSec: xs.length / (ms / 1000), p50: median(xs), p99: p(xs, 0.99) });
  const plain = figures(times.plain, total.plain);
  const withAttachment = figures(times.with, total.with);
  return { count, plain, withAttachment };
}

// ── Run ──────────────────────────────────────────────────────────────────────────────────────────

let exit = 0;
try {
  const username = `bench_${randomBytes(3).toString('hex')}`;
  token = (
    await api<{ token: string }>('POST', '/auth/signup', {
      username,
      email: `${username}@bench.test`,
      password: 'correct horse battery',
      setup_token: BENCH_SETUP_TOKEN,
    })
  ).token;
  const room = await api<{ id: string }>('POST', '/rooms', { name: `att-${username}`, type: 'public', categories: [] });

  // The memory scenario first, on a server that has taken one upload only (a warm-up), so the RSS
  // it starts from is not what earlier scenarios left.
  await upload(pdf(MB), 'warmup.pdf');
  log('concurrent uploads');
  const cc = await concurrentUploads(Number(values.concurrent), 10 * MB);
  log('upload throughput');
  const tp = [
    await throughput(1 * MB, Number(values['uploads-1mb']), '1 MB'),
    await throughput(10 * MB, Number(values['uploads-10mb']), '10 MB'),
  ];
  log('thumbnails');
  const th = await thumbnails(Number(values.images));
  log('send path');
  const sp = await sendPath(Number(values.sends), room.id);

  const m = machine();
  const lines = [
    `## Attachments — ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, storage: ${values.storage}`,
    '',
    `${m.cores} cores (${m.cpu}), Node ${m.node}; the server a child process (SQLite, ${values.storage === 's3' ? 's3rver on 127.0.0.1' : 'DATA_DIR on local disk'}), the client and the baselines in the bench process; load average ${f1(load0)} → ${f1(loadAvg())}. Uploads are PDFs (typed, scanned, stored) unless said; baselines run in the same run: compare ratios, not absolute times.`,
    '',
    '| upload | files | through POST /attachments/upload | plain write + fsync of the same bytes | ratio | upload p50 | CPU per upload: server / client |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...tp.map(
      (t) =>
        `| ${t.label} | ${t.count} | ${f1(t.uploadMBs)} MB/s | ${f1(t.plainMBs)} MB/s | ${f2(t.uploadMBs / t.plainMBs)} | ${f1(t.uploadMsP50)} ms | ${f1(t.serverCpuMs)} / ${f1(t.clientCpuMs)} ms |`,
    ),
    '',
    `| thumbnail (${th.width}×${th.height} JPEG, ${f2(th.bytes / MB)} MB, median of ${th.count}) | ms | ratio |`,
    '| --- | ---: | ---: |',
    `| sharp alone: the same ${ATTACHMENT_LIMITS.thumbnailBox} px WebP | ${f1(th.sharpMs)} | 1.00 |`,
    `| prepareImage (header, pixel bound, decode slot, thumbnail) | ${f1(th.prepareMs)} | ${f2(th.prepareMs / th.sharpMs)} |`,
    `| upload of a PDF of the same size, through the route | ${f1(th.docUploadMs)} | — |`,
    `| upload of the photo, through the route (+ thumbnail stored) | ${f1(th.imageUploadMs)} | ${f2(th.imageUploadMs / th.docUploadMs)} × the PDF |`,
    '',
    `| ${cc.uploads} concurrent uploads of ${cc.size / MB} MB | |`,
    '| --- | ---: |',
    `| time, all done | ${f2(cc.seconds)} s (${f1((cc.uploads * cc.size) / MB / cc.seconds)} MB/s together) |`,
    `| server RSS before → peak | ${f1(cc.rssBefore / 2 ** 20)} → ${f1(cc.rssPeak / 2 ** 20)} MiB |`,
    `| RSS growth (goal ≤ 100 MB) | ${f1(cc.growth / 2 ** 20)} MiB: ${cc.growth <= 100 * 2 ** 20 ? 'met' : 'missed'} |`,
    '',
    `| send path (${sp.count} of each, sequential POST /rooms/:id/messages, interleaved) | sends/s | p50 ms | p99 ms |`,
    '| --- | ---: | ---: | ---: |',
    `| without attachments | ${f1(sp.plain.perSec)} | ${f2(sp.plain.p50)} | ${f2(sp.plain.p99)} |`,
    `| with one attachment each (uploaded before) | ${f1(sp.withAttachment.perSec)} | ${f2(sp.withAttachment.p50)} | ${f2(sp.withAttachment.p99)} |`,
    `| ratio (with ÷ without, sends/s) | ${f2(sp.withAttachment.perSec / sp.plain.perSec)} | | |`,
    '',
  ];
  const report = lines.join('\n');
  console.log(report);
  if (values.write) {
    writeSection(
      join(import.meta.dirname, '..', 'BENCHMARKS.md'),
      `attachments-${values.storage}`,
      `${report}\nReproduce with \`npm run bench:attachments -- --storage ${values.storage} --write\`.\n`,
    );
    log('written: the attachments section of BENCHMARKS.md');
  }
} catch (err) {
  console.error(`bench:attachments failed: ${(err as Error).stack ?? err}`);
  exit = 1;
} finally {
  await server.stop();
  await s3?.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(exit);
