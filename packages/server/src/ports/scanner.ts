/** What a scanner decided about one file. */
export type ScanVerdict = { ok: true } | { ok: false; code: 'malware_detected' | 'unsafe_archive'; reason: string };

/**
 * Looks for malware in an upload before anything is stored. The file is a complete temporary file
 * on local disk (the upload was streamed there under the size limit). A scanner that cannot answer
 * throws ScannerUnavailableError: uploads then fail closed (503 scanner_unavailable).
 */
export interface Scanner {
  readonly name: string;
  scan(path: string, info: { mimeType: string | null; size: number }): Promise<ScanVerdict>;
  close(): Promise<void>;
}

export class ScannerUnavailableError extends Error {
  override readonly name = 'ScannerUnavailableError';
}
