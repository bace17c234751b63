/**
 * The word segments of an ASCII text, exactly as `Intl.Segmenter` (root locale, words) finds them,
 * without it: the segmenter costs ~10 µs for a 70-character message, most of what indexing a
 * message costs in JavaScript, and most messages are ASCII. Unicode's word rules (UAX #29) as they
 * apply to ASCII: letters, digits and `_` run together (WB5, WB8–10, WB13a/b); one `.` `'` or `:`
 * joins two letters (WB6/7: `it's`, `a.b`, `a:b`), one `.` `'` `,` or `;` joins two digits
 * (WB11/12: `3.14`, `1,000`); anything else ends a word. Checked against the segmenter on every
 * pair of ASCII characters around letters, digits and separators, and on 480,000 random strings
 * (ascii-words.test.ts runs both checks). Segments of `_` alone are given too: they hold no token.
 */
const LETTER = 1;
const DIGIT = 2;
const UNDERSCORE = 3;
const CLASS = new Uint8Array(128);
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LETTER;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = LETTER;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
CLASS[0x5f] = UNDERSCORE;

const joinsLetters = (c: number): boolean => c === 0x2e || c === 0x27 || c === 0x3a; // . ' :
const joinsDigits = (c: number): boolean => c === 0x2e || c === 0x27 || c === 0x2c || c === 0x3b; // . ' , ;

export function asciiWords(text: string, onWord: (word: string) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (CLASS[text.charCodeAt(i)] === 0) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      i++;
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (CLASS[c] !== 0) continue;
      const before = CLASS[text.charCodeAt(i - 1)];
      const after = i + 1 < n ? CLASS[text.charCodeAt(i + 1)] : 0;
      if ((before === LETTER && after === LETTER && joinsLetters(c)) || (before === DIGIT && after === DIGIT && joinsDigits(c))) {
        i++;
        continue;
      }
      break;
    }
    onWord(text.slice(start, i));
  }
}
