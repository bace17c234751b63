/**
 * BENCHMARKS.md holds the full run of `npm run bench` and, below it, sections other harnesses
 * write (`npm run bench:attack -- --write`): each between `<!-- kept:NAME -->` and
 * `<!-- /kept:NAME -->`. A full run rewrites its part and keeps theirs; a harness replaces only
 * its own section.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const SECTION = /<!-- kept:([\w-]+) -->\n[\s\S]*?<!-- \/kept:\1 -->\n/g;

const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** The kept sections of the file, in order, each with its markers. */
export function keptSections(file: string): string[] {
  return [...read(file).matchAll(SECTION)].map((m) => m[0]);
}

/** The file's text without its kept sections. */
const withoutSections = (text: string): string => text.replace(SECTION, '').replace(/\n+$/, '\n');

/** Writes the body (the full run) followed by the file's kept sections. */
export function writeKeepingSections(file: string, body: string): void {
  const kept = keptSections(file);
  writeFileSync(file, kept.length === 0 ? body : `${body.replace(/\n+$/, '\n')}\n${kept.join('\n')}`);
}

/** Adds or replaces one kept section (markdown) of the file, leaving the rest as it is. */
export function writeSection(file: string, name: string, markdown: string): void {
  const block = `<!-- kept:${name} -->\n${markdown.replace(/\n+$/, '\n')}<!-- /kept:${name} -->\n`;
  const others = keptSections(file).filter((s) => !s.startsWith(`<!-- kept:${name} -->`));
  const body = withoutSections(read(file));
  writeFileSync(file, [body, ...others, block].join('\n'));
}
