import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ATTACHMENT_LIMITS } from '@rooms/protocol';
import { FALLBACK_FILENAME, sanitizeFilename } from './filename.ts';

const MAX = ATTACHMENT_LIMITS.filename.max;
const codePoints = (s: string) => [...s].length;

describe('sanitizeFilename', () => {
  it('keeps an ordinary name as it is', () => {
    assert.equal(sanitizeFilename('Holiday photo (2).jpg'), 'Holiday photo (2).jpg');
  });

  it('drops every directory, / or \\, and the dots of ../', () => {
    assert.equal(sanitizeFilename('../x'), 'x');
    assert.equal(sanitizeFilename('../../etc/passwd'), 'passwd');
    assert.equal(sanitizeFilename('..\\..\\Windows\\system.ini'), 'system.ini');
    assert.equal(sanitizeFilename('C:\\Users\\me\\cv.docx'), 'cv.docx');
    assert.equal(sanitizeFilename('..'), FALLBACK_FILENAME);
    assert.equal(sanitizeFilename('dir/'), FALLBACK_FILENAME);
  });

  it('removes NUL and every control character', () => {
    assert.equal(sanitizeFilename('evil.jpg\u0000.exe'), 'evil.jpg.exe');
    assert.equal(sanitizeFilename('a\r\nb\tc\u0007\u009b.txt'), 'abc.txt');
  });

  it('removes bidi overrides, isolates and marks: gpj.exe no longer reads reversed', () => {
    const shown = 'photo\u202egpj.exe'; // displays as "photoexe.jpg"
    assert.equal(sanitizeFilename(shown), 'photogpj.exe');
    for (const c of [
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200e',
      '\u200f',
      '\u061c',
    ]) {
      assert.equal(sanitizeFilename(`a${c}b.pdf`), 'ab.pdf', `U+${c.codePointAt(0)!.toString(16)}`);
    }
  });

  it('trims dots and spaces at both ends and replaces reserved characters', () => {
    assert.equal(sanitizeFilename('  .hidden.txt. . '), 'hidden.txt');
    assert.equal(sanitizeFilename('a<b>:c"d|e?f*.txt'), 'a_b__c_d_e_f_.txt');
  });

  it('bounds 300 characters to the limit and keeps the extension', () => {
    const out = sanitizeFilename(`${'a'.repeat(300)}.jpg`);
    assert.equal(codePoints(out), MAX);
    assert.ok(out.endsWith('.jpg'));
    const noExt = sanitizeFilename('b'.repeat(300));
    assert.equal(noExt, 'b'.repeat(MAX));
  });

  it('keeps emoji (ZWJ sequences whole, never cut in the middle) and CJK', () => {
    const family = '👨\u200d👩\u200d👧';
    assert.equal(sanitizeFilename(`${family} 🎉.png`), `${family} 🎉.png`);
    assert.equal(sanitizeFilename('会議の議事録.docx'), '会議の議事録.docx');
    const long = sanitizeFilename(`${family.repeat(100)}.png`);
    assert.ok(codePoints(long) <= MAX);
    assert.ok(long.endsWith('.png'));
    assert.equal(long.slice(0, -4).split(family).join(''), '', 'only whole family emoji are kept');
    const cjk = sanitizeFilename(`${'漢'.repeat(300)}.pdf`);
    assert.equal(codePoints(cjk), MAX);
  });

  it('normalises to NFC', () => {
    assert.equal(sanitizeFilename('cafe\u0301.txt'), 'caf\u00e9.txt');
  });

  it('falls back to a name (with the given extension) when nothing is left', () => {
    assert.equal(sanitizeFilename(''), FALLBACK_FILENAME);
    assert.equal(sanitizeFilename('\u0000\u202e'), FALLBACK_FILENAME);
    assert.equal(sanitizeFilename(' . / ', 'jpg'), `${FALLBACK_FILENAME}.jpg`);
    assert.equal(sanitizeFilename('...', '../exe'), `${FALLBACK_FILENAME}.exe`);
  });
});
