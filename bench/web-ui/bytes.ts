/**
 * The bytes a first visit must fetch before the app can run: what dist/index.html names (the entry
 * script, its modulepreloads, the stylesheets), each gzipped at level 9 (as a server sends a
 * pre-compressed build). Chunks the app imports later (dialogs, the emoji data) are not in it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface AssetSize {
  path: string;
  kind: 'entry' | 'modulepreload' | 'stylesheet' | 'lazy';
  bytes: number;
  gzip: number;
}

export const gzipSize = (dist: string, path: string): { bytes: number; gzip: number } => {
  const raw = readFileSync(join(dist, path.replace(/^\//, '')));
  return { bytes: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
};

/** The assets index.html loads up front, with their raw and gzipped sizes. */
export function initialAssets(dist: string): AssetSize[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const out: AssetSize[] = [];
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]+)"`).exec(tag)?.[1];
  for (const [tag] of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    let kind: AssetSize['kind'] | undefined;
    let path: string | undefined;
    if (tag.startsWith('<script') && attr(tag, 'type') === 'module') [kind, path] = ['entry', attr(tag, 'src')];
    else if (tag.startsWith('<link') && attr(tag, 'rel') === 'modulepreload') [kind, path] = ['modulepreload', attr(tag, 'href')];
    else if (tag.startsWith('<link') && attr(tag, 'rel') === 'stylesheet') [kind, path] = ['stylesheet', attr(tag, 'href')];
    if (!kind || !path || /^(https?:)?\/\//.test(path)) continue;
    out.push({ path, kind, ...gzipSize(dist, path) });
  }
  if (!out.some((a) => a.kind === 'entry')) throw new Error(`${dist}/index.html names no module script`);
  return out;
}
