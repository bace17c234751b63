import { open } from 'node:fs/promises';
import type { Scanner, ScanVerdict } from '../../ports/scanner.ts';
import { type ArchiveLimits, inspectZip } from './archive.ts';
import { findPolyglot, findZipEnd, startsLikeZip } from './formats.ts';
import { SignatureSearch, scriptAtStart } from './signatures.ts';

/** Read size: 20 concurrent uploads each hold one (the upload bench caps RSS growth at 100 MB). */
const CHUNK = 64 * 1024;

/**
 * The embedded scanner: no signature database, but the checks that matter for a chat server's
 * uploads, all on the bytes: the EICAR test file; native executables (PE, ELF, Mach-O) and
 * scripts, whole or hidden in a file; data glued to an allowed format (polyglots); and, in zip
 * archives (docx included, nested ones too), all of that per entry plus zip bombs.
 */
export class BuiltinScanner implements Scanner {
  readonly name = 'builtin';
  private readonly limits: ArchiveLimits;

  constructor(limits: ArchiveLimits) {
    this.limits = limits;
  }

  /** Streams the file once for signatures, then walks its structure and any archive in it. */
  async scan(path: string, _info: { mimeType: string | null; size: number }): Promise<ScanVerdict> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const head = Buffer.alloc(Math.min(size, 8192));
      await fh.read(head, 0, head.length, 0);

      const signatures = new SignatureSearch();
      const buf = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
      for (let pos = 0; pos < size;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        const found = signatures.push(buf.subarray(0, bytesRead));
        if (found) return { ok: false, ...found };
      }
      const found = signatures.end();
      if (found) return { ok: false, ...found };

      const script = scriptAtStart(head);
      if (script) return { ok: false, code: 'malware_detected', reason: `the file is ${script}` };

      const polyglot = await findPolyglot(fh, size, head);
      if (polyglot) return { ok: false, ...polyglot };

      if (startsLikeZip(head)) {
        if (!(await findZipEnd(fh, size))) {
          return {
            ok: false,
            code: 'unsafe_archive',
            reason: 'the zip archive has no end record where it should be (truncated, or data appended after it)',
          };
        }
        const refusal = await inspectZip(path, this.limits);
        if (refusal) return { ok: false, ...refusal };
      }
      return { ok: true };
    } finally {
      await fh.close();
    }
  }

  async close(): Promise<void> {}
}
