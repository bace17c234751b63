import type { Config } from '../../config/config.ts';
import type { Scanner, ScanVerdict } from '../../ports/scanner.ts';
import { BuiltinScanner } from './builtin.ts';
import { ClamdScanner } from './clamd.ts';

export { BuiltinScanner } from './builtin.ts';
export { ClamdScanner, parseClamdUrl } from './clamd.ts';

/** Several scanners that must all pass, asked in order; the first refusal is the verdict. */
export class CombinedScanner implements Scanner {
  readonly name: string;
  private readonly scanners: readonly Scanner[];

  constructor(scanners: readonly Scanner[]) {
    this.scanners = scanners;
    this.name = scanners.map((s) => s.name).join('+');
  }

  async scan(path: string, info: { mimeType: string | null; size: number }): Promise<ScanVerdict> {
    for (const scanner of this.scanners) {
      const verdict = await scanner.scan(path, info);
      if (!verdict.ok) return verdict;
    }
    return { ok: true };
  }

  async close(): Promise<void> {
    await Promise.all(this.scanners.map((s) => s.close()));
  }
}

export type ScannerConfig = Pick<
  Config,
  'CLAMD_URL' | 'CLAMD_TIMEOUT' | 'ARCHIVE_MAX_EXPANDED_BYTES' | 'ARCHIVE_MAX_ENTRIES' | 'ARCHIVE_MAX_DEPTH' | 'ARCHIVE_MAX_RATIO'
>;

/** The scanner uploads go through: the built-in checks, and clamd as well when CLAMD_URL is set. */
export function createScanner(config: ScannerConfig): Scanner {
  const builtin = new BuiltinScanner({
    maxExpandedBytes: config.ARCHIVE_MAX_EXPANDED_BYTES,
    maxEntries: config.ARCHIVE_MAX_ENTRIES,
    maxDepth: config.ARCHIVE_MAX_DEPTH,
    maxRatio: config.ARCHIVE_MAX_RATIO,
  });
  if (!config.CLAMD_URL) return builtin;
  return new CombinedScanner([builtin, new ClamdScanner(config.CLAMD_URL, config.CLAMD_TIMEOUT * 1000)]);
}
