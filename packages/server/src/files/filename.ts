import { ATTACHMENT_LIMITS } from '@rooms/protocol';

/** The name shown for a file whose own name leaves nothing once cleaned. */
export const FALLBACK_FILENAME = 'file';

/**
 * Characters never kept in a displayed filename: C0/C1 controls and DEL (NUL included), the bidi
 * embeddings, overrides, isolates and marks (U+202A–202E, U+2066–2069, U+200E/F, U+061C) that make
 * `photo‮gpj.exe` read as `photoexe.jpg`, zero-width space and invisible formatters that hide characters (ZWJ/ZWNJ stay: emoji
 * sequences and several scripts need them),
 * and lone surrogates. Replaced by nothing.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|\p{Cs}/gu;
/** Characters that are path separators or reserved on common file systems: replaced by `_`, so a name can be saved as it is. */
const RESERVED = /[<>:"|?*]/g;

/**
 * A filename safe to display and to put in a Content-Disposition header: no directories (the part
 * after the last `/` or `\`), NFC-normalised, no control, bidi or invisible characters, no leading
 * or trailing dots and spaces, at most ATTACHMENT_LIMITS.filename.max characters (code points)
 * with the extension kept, and FALLBACK_FILENAME (+ `ext` when given, e.g. `jpg`) when nothing is left.
 * The name is for display only: the stored type comes from the bytes.
 */
export function sanitizeFilename(name: string, ext?: string): string {
  let s = name.normalize('NFC').replace(INVISIBLE, '');
  s = s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1);
  s = s.replace(RESERVED, '_').replace(/\s+/gu, ' ');
  s = trimDotsAndSpaces(s);
  if (s === '') s = ext ? `${FALLBACK_FILENAME}.${cleanExtension(ext)}` : FALLBACK_FILENAME;
  return bound(s, ATTACHMENT_LIMITS.filename.max);
}

const trimDotsAndSpaces = (s: string): string => s.replace(/^[.\s]+|[.\s]+$/gu, '');

function cleanExtension(ext: string): string {
  return ext.replace(/[^\p{L}\p{N}]/gu, '').slice(0, 16) || 'bin';
}

const codePoints = (s: string): number => [...s].length;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts the stem so the whole name has at most `max` code points, keeping a short extension; never splits a grapheme (an emoji sequence). */
function bound(s: string, max: number): string {
  if (codePoints(s) <= max) return s;
  const dot = s.lastIndexOf('.');
  const extension = dot > 0 && codePoints(s.slice(dot)) <= 17 ? s.slice(dot) : '';
  const stem = extension ? s.slice(0, dot) : s;
  let kept = '';
  let room = max - codePoints(extension);
  for (const { segment } of graphemes.segment(stem)) {
    room -= codePoints(segment);
    if (room < 0) break;
    kept += segment;
  }
  return (trimDotsAndSpaces(kept) || FALLBACK_FILENAME) + extension;
}
