// An S3-compatible server for tests and benchmarks (s3rver, from npm), on 127.0.0.1 only.
//   npx node packages/server/test/helpers/s3-server.ts [--port 9000] [--dir PATH]
// Prints one JSON line {url, accessKeyId, secretAccessKey} once it listens; stops on SIGTERM/SIGINT
// and then removes its folder when it made a temporary one. Signatures are checked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import S3rver from 's3rver';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, dir: { type: 'string' } } });
const directory = values.dir ?? mkdtempSync(join(tmpdir(), 'rooms-s3-'));
const server = new S3rver({ address: '127.0.0.1', port: Number(values.port), directory, silent: true });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' })}\n`);

const stop = async () => {
  await server.close();
  if (!values.dir) rmSync(directory, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
