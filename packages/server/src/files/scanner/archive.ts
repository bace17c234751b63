import type { FileHandle } from 'node:fs/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { SignatureSearch, scriptAtStart } from './signatures.ts';
import { findPolyglot, startsLikeZip, walkableFormat } from './formats.ts';

/** How far the scanner follows an archive before calling it a bomb. */
export interface ArchiveLimits {
  /** Bytes all entries may expand to, nested archives included (declared and actually inflated). */
  maxExpandedBytes: number;
  /** Entries, nested archives included. */
  maxEntries: number;
  /** Archive levels: 1 = a zip, 2 = a zip in a zip, ... */
  maxDepth: number;
  /** Expanded ÷ compressed size an entry may reach once it is past RATIO_FLOOR bytes. */
  maxRatio: number;
}

export interface Refusal {
  code: 'malware_detected' | 'unsafe_archive';
  reason: string;
}

/**
 * Below this many bytes an entry's ratio is not judged: small files of zeros are common (test
 * tensors in Python wheels reach 1000:1 at 2.5 MB) and no bomb; the expansion cap bounds them all.
 */
export const RATIO_FLOOR = 4 * 1024 * 1024;
/** A nested archive is inflated into memory to be opened; never more than this. */
export const NESTED_ARCHIVE_MAX = 16 * 1024 * 1024;

/**
 * An entry in a format whose end the scanner can find (images, PDF, MP4, Ogg, WebM) is held in
 * memory up to this size so that data glued after its end (a polyglot) is found as in an upload;
 * larger ones (rare inside a 10 MiB upload: media does not compress) get the signature checks only.
 */
export const MEDIA_ENTRY_MAX = 16 * 1024 * 1024;
/** Bytes of an entry's start that tell its format (walkableFormat reads up to 12, startsLikeZip 4). */
const FORMAT_HEAD = 12;

/** Entry names Windows runs when they are opened: what email gateways refuse inside archives. */
const RUNNABLE =
  /\.(exe|dll|scr|com|pif|cpl|msi|msp|msc|sys|bat|cmd|vbs|vbe|jse|wsf|wsh|wsc|hta|ps1|psm1|lnk|sct|reg|application|gadget)$/i;
/** Names that claim to be data; a script behind one of them is disguised. */
const DATA_NAME = /\.(jpe?g|png|gif|webp|bmp|tiff?|heic|pdf|docx?|xlsx?|pptx?|odt|ods|rtf|mp3|mp4|m4a|ogg|webm|wav|mov|avi|zip)$/i;
/** Scripts have no place among an Office document's parts (an archive of source code may hold them). */
const OFFICE_SCRIPT_PART = /\.(js|jse|mjs|vbs|vbe|wsf|wsh|hta|ps1|bat|cmd|sh|py)$/i;
/** Parts of an Office document that carry code (macros, ActiveX), whatever the package claims. */
const OFFICE_CODE = /(^|\/)(vbaProject\.bin|vbaData\.xml|activeX\/)/i;
/**
 * Script in an Office package's XML: raw markup (text typed in the document is escaped, &lt;script),
 * script URLs in attributes, and external targets with a protocol handler (the Follina family).
 */
const OFFICE_SCRIPT_MARKERS: [RegExp, string][] = [
  [/<script[\s>]/i, 'a <script> element'],
  [/<hta:application/i, 'an HTML application'],
  [/=\s*["'](javascript|vbscript|livescript|mhtml|ms-msdt|search-ms|ms-officecmd|ms-excel|ms-word):/i, 'a script or protocol-handler link'],
  [
    /Target\s*=\s*["'](?!https?:|mailto:|#|[^"':]*["'])[^"']*["'][^>]*TargetMode\s*=\s*["']External/i,
    'an external link to a non-web protocol',
  ],
  [/relationships\/attachedTemplate["'][^>]*TargetMode\s*=\s*["']External/i, 'a remote template'],
];

class Refused extends Error {
  readonly verdict: Refusal;
  constructor(verdict: Refusal) {
    super(verdict.reason);
    this.verdict = verdict;
  }
}

interface Budget {
  declared: number;
  expanded: number;
  entries: number;
}

const open = (source: string | Buffer): Promise<ZipFile> => {
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true };
  return typeof source === 'string' ? yauzl.openPromise(source, options) : yauzl.fromBufferPromise(source, options);
};

/**
 * Inspects a zip archive (a file on disk) and every archive nested in it, inflating each entry
 * as a stream under hard byte caps: never trusting the sizes the archive declares, never writing
 * to disk, and holding at most one bounded nested archive per level in memory.
 */
export async function inspectZip(path: string, limits: ArchiveLimits): Promise<Refusal | null> {
  try {
    await inspect(path, 'the archive', 1, limits, { declared: 0, expanded: 0, entries: 0 });
    return null;
  } catch (err) {
    if (err instanceof Refused) return err.verdict;
    throw err;
  }
}

async function inspect(source: string | Buffer, label: string, depth: number, limits: ArchiveLimits, budget: Budget): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await open(source);
  } catch (err) {
    throw new Refused({ code: 'unsafe_archive', reason: `${label} cannot be read as a zip archive (${(err as Error).message})` });
  }
  try {
    if (budget.entries + zip.entryCount > limits.maxEntries) {
      throw new Refused({
        code: 'unsafe_archive',
        reason: `${label} has ${zip.entryCount} entries, more than the ${limits.maxEntries} allowed`,
      });
    }
    const entries = await readDirectory(zip, label, limits, budget);
    checkOverlaps(entries, label);
    const office = entries.some((e) => e.fileName === '[Content_Types].xml');
    for (const entry of entries) {
      if (office && OFFICE_SCRIPT_PART.test(entry.fileName)) {
        throw new Refused({ code: 'malware_detected', reason: `${label} → ${entry.fileName} is a script inside an Office document` });
      }
      if (!entry.fileName.endsWith('/')) await inspectEntry(zip, entry, `${label} → ${entry.fileName}`, office, depth, limits, budget);
    }
  } catch (err) {
    if (err instanceof Refused) throw err;
    throw new Refused({ code: 'unsafe_archive', reason: `${label} is malformed (${(err as Error).message})` });
  } finally {
    zip.close();
  }
}

/** The central directory, judged on what it declares before anything is inflated. */
async function readDirectory(zip: ZipFile, label: string, limits: ArchiveLimits, budget: Budget): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const entry of zip.eachEntry()) {
    const name = `${label} → ${entry.fileName}`;
    budget.entries += 1;
    budget.declared += entry.uncompressedSize;
    if (budget.declared > limits.maxExpandedBytes) {
      throw new Refused({
        code: 'unsafe_archive',
        reason: `${label} declares more than ${limits.maxExpandedBytes} bytes once expanded (a zip bomb)`,
      });
    }
    if (entry.uncompressedSize > RATIO_FLOOR && entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio) {
      throw new Refused({ code: 'unsafe_archive', reason: `${name} declares a compression ratio above ${limits.maxRatio}:1 (a zip bomb)` });
    }
    if (entry.isEncrypted()) throw new Refused({ code: 'unsafe_archive', reason: `${name} is encrypted and cannot be inspected` });
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new Refused({
        code: 'unsafe_archive',
        reason: `${name} uses compression method ${entry.compressionMethod}, which cannot be inspected`,
      });
    }
    if (RUNNABLE.test(entry.fileName))
      throw new Refused({ code: 'malware_detected', reason: `${name} is a program or script Windows would run` });
    if (OFFICE_CODE.test(entry.fileName)) throw new Refused({ code: 'malware_detected', reason: `${name} carries macros or ActiveX code` });
    entries.push(entry);
  }
  return entries;
}

/** Entries whose data overlap: the construction of non-recursive zip bombs (one kernel, many names). */
function checkOverlaps(entries: Entry[], label: string): void {
  const sorted = [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (sorted[i]!.relativeOffsetOfLocalHeader < prev.relativeOffsetOfLocalHeader + 30 + prev.fileNameLength + prev.compressedSize) {
      throw new Refused({ code: 'unsafe_archive', reason: `${label} has overlapping entries (a zip bomb)` });
    }
  }
}

async function inspectEntry(
  zip: ZipFile,
  entry: Entry,
  name: string,
  office: boolean,
  depth: number,
  limits: ArchiveLimits,
  budget: Budget,
): Promise<void> {
  const signatures = new SignatureSearch();
  const markup = office && /\.(xml|rels|vml)$/i.test(entry.fileName) ? new MarkupSearch() : null;
  const headParts: Buffer[] = [];
  let headLength = 0;
  // The first chunks are kept until the entry shows whether it is itself an archive, or media.
  let early: Buffer[] = [];
  let nested: Buffer[] | null = null;
  let nestedLength = 0;
  let media: Buffer[] | null = null;
  let decided = false;
  let size = 0;
  const stream = await zip.openReadStreamPromise(entry);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      budget.expanded += chunk.length;
      if (budget.expanded > limits.maxExpandedBytes) {
        throw new Refused({
          code: 'unsafe_archive',
          reason: `the archive expands to more than ${limits.maxExpandedBytes} bytes (a zip bomb)`,
        });
      }
      if (size > RATIO_FLOOR && size / Math.max(1, entry.compressedSize) > limits.maxRatio) {
        throw new Refused({ code: 'unsafe_archive', reason: `${name} expands more than ${limits.maxRatio} times (a zip bomb)` });
      }
      const found = signatures.push(chunk);
      if (found) throw new Refused({ code: found.code, reason: `${name}: ${found.reason}` });
      const marker = markup?.push(chunk);
      if (marker) throw new Refused({ code: 'malware_detected', reason: `${name} contains ${marker}` });
      if (headLength < 8192) {
        headParts.push(chunk.subarray(0, 8192 - headLength));
        headLength += Math.min(chunk.length, 8192 - headLength);
      }
      if (nested) {
        nested.push(chunk);
        nestedLength += chunk.length;
      } else if (media) {
        media.push(chunk);
        if (size > MEDIA_ENTRY_MAX) media = null;
      } else if (!decided) {
        early.push(chunk);
        if (headLength >= FORMAT_HEAD) {
          decided = true;
          const head = Buffer.concat(headParts);
          if (startsLikeZip(head)) {
            if (depth + 1 > limits.maxDepth)
              throw new Refused({ code: 'unsafe_archive', reason: `archives are nested more than ${limits.maxDepth} deep (${name})` });
            [nested, nestedLength] = [early, size];
          } else if (walkableFormat(head) && size <= MEDIA_ENTRY_MAX) media = early;
          early = [];
        }
      }
      if (nested && nestedLength > Math.min(NESTED_ARCHIVE_MAX, limits.maxExpandedBytes)) {
        throw new Refused({ code: 'unsafe_archive', reason: `${name} is a nested archive too large to inspect` });
      }
    }
  } catch (err) {
    if (err instanceof Refused) throw err;
    throw new Refused({ code: 'unsafe_archive', reason: `${name} does not match what the archive declares (${(err as Error).message})` });
  } finally {
    stream.destroy();
  }
  const found = signatures.end();
  if (found) throw new Refused({ code: found.code, reason: `${name}: ${found.reason}` });
  const head = Buffer.concat(headParts);
  const script = scriptAtStart(head);
  if (script && DATA_NAME.test(entry.fileName))
    throw new Refused({ code: 'malware_detected', reason: `${name} is ${script} disguised by its name` });
  // Entries shorter than FORMAT_HEAD never reached the decision above.
  if (!decided && walkableFormat(head)) media = early;
  if (media) {
    const bytes = Buffer.concat(media, size);
    const polyglot = await findPolyglot(inMemory(bytes), bytes.length, bytes.subarray(0, 8192));
    if (polyglot) throw new Refused({ code: polyglot.code, reason: `${name}: ${polyglot.reason}` });
  }
  if (nested) {
    await inspect(Buffer.concat(nested, nestedLength), name, depth + 1, limits, budget);
  }
}

/** Bytes in memory read the way findPolyglot reads a file (positional reads; nothing past the end). */
function inMemory(bytes: Buffer): FileHandle {
  const read = async (buffer: Buffer, offset: number, length: number, position: number) => ({
    bytesRead: position >= bytes.length ? 0 : bytes.copy(buffer, offset, position, Math.min(bytes.length, position + length)),
    buffer,
  });
  return { read } as unknown as FileHandle;
}

/** Searches XML text for script markers, across chunk boundaries. */
class MarkupSearch {
  private carry = '';
  push(chunk: Buffer): string | null {
    const text = this.carry + chunk.toString('latin1');
    for (const [re, what] of OFFICE_SCRIPT_MARKERS) if (re.test(text)) return what;
    this.carry = text.slice(-512);
    return null;
  }
}
