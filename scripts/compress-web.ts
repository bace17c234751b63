import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { WEB_DIST } from './web-build.ts';

/**
 * Writes file.br and file.gz beside each text file of the web build (part of `npm run build:web`),
 * which the server sends to clients that accept them: compressed once at build time at the highest
 * levels, instead of on every request or not at all. Source maps are left out (only developer tools
 * fetch them), and so is a compressed copy that would not be smaller.
 */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest|wasm)$/;
const MIN_BYTES = 1024;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.test(entry.name)) yield path;
  }
}

let before = 0;
let after = 0;
for (const path of files(WEB_DIST)) {
  if (statSync(path).size < MIN_BYTES) continue;
  const data = readFileSync(path);
  const br = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
  const gz = gzipSync(data, { level: 9 });
  if (br.length < data.length) writeFileSync(`${path}.br`, br);
  if (gz.length < data.length) writeFileSync(`${path}.gz`, gz);
  before += data.length;
  after += Math.min(br.length, data.length);
}
process.stdout.write(`compress-web: ${(before / 1024).toFixed(1)} KB of text → ${(after / 1024).toFixed(1)} KB brotli\n`);
