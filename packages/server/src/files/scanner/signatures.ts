/**
 * Byte signatures the built-in scanner looks for in any stream of bytes (a whole upload, or an
 * entry inflated from an archive): the EICAR test string and the headers of native executables.
 * Each header is validated well past its magic number, so random bytes (compressed image data,
 * say) practically never match.
 */

/** The 68-byte EICAR anti-malware test string (eicar.org); found anywhere, as every scanner does. */
export const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');

export interface Finding {
  code: 'malware_detected';
  reason: string;
}

/** Bytes after a candidate's first byte a check may need (PE headers sit within 4 KiB of "MZ"). */
export const LOOKAHEAD = 4096 + 64;

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const MZ = Buffer.from('MZ', 'latin1');
const MACHO_MAGICS = [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].map((m) => Buffer.from(m.toString(16), 'hex'));
const FAT_MAGICS = [Buffer.from('cafebabe', 'hex'), Buffer.from('cafebabf', 'hex')];
/** Mach-O CPU types: x86, x86_64, arm, arm64, arm64_32, powerpc, powerpc64. */
const MACHO_CPUS = new Set([7, 0x01000007, 12, 0x0100000c, 0x0200000c, 18, 0x01000012]);

type Check = (b: Buffer, at: number) => string | null;

const checks: { magic: Buffer; check: Check }[] = [
  { magic: EICAR, check: () => 'the EICAR test file' },
  { magic: ELF_MAGIC, check: elfAt },
  { magic: MZ, check: peAt },
  ...MACHO_MAGICS.map((magic) => ({ magic, check: machOAt })),
  ...FAT_MAGICS.map((magic) => ({ magic, check: fatMachOAt })),
];

function elfAt(b: Buffer, at: number): string | null {
  if (at + 24 > b.length) return null;
  const cls = b[at + 4]!,
    data = b[at + 5]!,
    version = b[at + 6]!;
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2) || version !== 1) return null;
  const le = data === 1;
  const type = le ? b.readUInt16LE(at + 16) : b.readUInt16BE(at + 16);
  const eVersion = le ? b.readUInt32LE(at + 20) : b.readUInt32BE(at + 20);
  return type >= 1 && type <= 4 && eVersion === 1 ? 'an ELF executable' : null;
}

function peAt(b: Buffer, at: number): string | null {
  if (at + 0x40 > b.length) return null;
  const lfanew = b.readUInt32LE(at + 0x3c);
  if (lfanew < 0x40 || lfanew > 4096 || at + lfanew + 6 > b.length) return null;
  const p = at + lfanew;
  if (b.readUInt32BE(p) !== 0x50450000) return null; // "PE\0\0"
  return 'a Windows (PE) executable';
}

function machOAt(b: Buffer, at: number): string | null {
  if (at + 28 > b.length) return null;
  const le = b[at] === 0xce || b[at] === 0xcf;
  const u32 = (o: number) => (le ? b.readUInt32LE(at + o) : b.readUInt32BE(at + o));
  const cpu = u32(4),
    fileType = u32(12),
    ncmds = u32(16),
    sizeofcmds = u32(20);
  if (!MACHO_CPUS.has(cpu) || fileType < 1 || fileType > 12 || ncmds < 1 || ncmds > 4096 || sizeofcmds > 1 << 24) return null;
  return 'a Mach-O executable';
}

/** Universal (fat) Mach-O. The magic is shared with Java class files, told apart by the arch table. */
function fatMachOAt(b: Buffer, at: number): string | null {
  if (at + 8 + 20 > b.length) return null;
  const n = b.readUInt32BE(at + 4);
  if (n < 1 || n > 16) return null;
  const is64 = b[at + 3] === 0xbf;
  const cpu = b.readUInt32BE(at + 8);
  const offset = is64 ? Number(b.readBigUInt64BE(at + 16)) : b.readUInt32BE(at + 16);
  return MACHO_CPUS.has(cpu) && offset >= 8 + n * 20 ? 'a universal (fat) Mach-O executable' : null;
}

/** Searches a stream of chunks for every signature, across chunk boundaries, with bounded memory. */
export class SignatureSearch {
  private pending = Buffer.alloc(0);
  private found: Finding | null = null;

  /** Feeds the next bytes; returns a finding as soon as one is certain. */
  push(chunk: Buffer): Finding | null {
    if (this.found) return this.found;
    const window = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    // Candidates starting before `limit` have all the bytes they may need; the rest wait for more.
    const limit = window.length - LOOKAHEAD;
    if (limit > 0) {
      this.found = searchWindow(window, limit);
      this.pending = Buffer.from(window.subarray(limit));
    } else {
      this.pending = Buffer.from(window);
    }
    return this.found;
  }

  /** No more bytes: checks what is left. */
  end(): Finding | null {
    if (!this.found && this.pending.length) this.found = searchWindow(this.pending, this.pending.length);
    this.pending = Buffer.alloc(0);
    return this.found;
  }
}

/** Looks for a signature starting at any offset below `limit` of `b`. */
export function searchWindow(b: Buffer, limit: number): Finding | null {
  for (const { magic, check } of checks) {
    for (let at = b.indexOf(magic); at !== -1 && at < limit; at = b.indexOf(magic, at + 1)) {
      const what = check(b, at);
      if (what)
        return { code: 'malware_detected', reason: at === 0 ? `the file is ${what}` : `${what} is hidden inside the file (at byte ${at})` };
    }
  }
  return null;
}

const SCRIPT_STARTS: [RegExp, string][] = [
  [/^#!\s*\/?[\w./-]+/, 'a script (#! line)'],
  [/^<script[\s>]/i, 'an HTML script'],
  [/^<hta:application/i, 'an HTML application (HTA)'],
  [/^<(!doctype html|html)[\s>][\s\S]{0,4000}?<(script|hta:application)[\s>]/i, 'an HTML page with scripts'],
  [/^<\?xml[^>]*>\s*<(job|package|scriptlet|component)[\s>]/i, 'a Windows Script Host file'],
  [/^<(job|package|scriptlet)[\s>]/i, 'a Windows Script Host file'],
  [/^@?echo\s+off\b/i, 'a batch script'],
  [/^(option\s+explicit|set\s+\w+\s*=\s*(wscript\.)?createobject\s*\()/i, 'a VBScript'],
  [
    /^(\$\w+\s*=|param\s*\(|function\s+[\w-]+\s*\{)[\s\S]{0,2000}?\b(invoke-expression|iex|new-object\s+(system\.)?net\.webclient|start-process|downloadstring)\b/i,
    'a PowerShell script',
  ],
];

/**
 * The kind of script a file (or entry) is, judged from its first bytes only: text that merely
 * mentions scripts further on (a PDF, a note) is not one.
 */
export function scriptAtStart(head: Buffer): string | null {
  let text = head.subarray(0, 8192).toString('latin1');
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  else if (text.startsWith('\xff\xfe') || text.startsWith('\xfe\xff'))
    text = head
      .subarray(2, 8192)
      .toString(text.startsWith('\xff\xfe') ? 'utf16le' : 'latin1')
      .replace(/\0/g, '');
  text = text.replace(/^\s+/, '');
  for (const [re, what] of SCRIPT_STARTS) if (re.test(text)) return what;
  return null;
}
