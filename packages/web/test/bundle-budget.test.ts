import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { webBuild } from './helpers/build.ts';

/**
 * What a first visit downloads before the app can run, gzipped: the entry script, the modules it
 * imports statically (Vite lists them as <link rel="modulepreload">), and the stylesheets the page
 * links. Lazy chunks (dynamic import()) load later, when needed, and do not count.
 */
const BUDGET_BYTES = 150 * 1024;

const dist = webBuild();
const html = readFileSync(join(dist, 'index.html'), 'utf8');

/** The tags of a kind in the page, each as a map of its attributes. */
function tags(name: 'script' | 'link'): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'gi'))].map((m) =>
    Object.fromEntries(
      [...(m[1] ?? '').matchAll(/([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)].map((a) => [
        a[1]!.toLowerCase(),
        a[2] ?? a[3] ?? a[4] ?? '',
      ]),
    ),
  );
}

/**
 * The modules a chunk imports statically: the bundler hoists them to the top of the file
 * (`import{a as b}from"./x.js";`). A dynamic import() is not among them.
 */
function staticImports(code: string): string[] {
  const found: string[] = [];
  const head = /^\s*(?:\/\*[\s\S]*?\*\/\s*|\/\/[^\n]*\n\s*)*import\s*(?:[\w$*\s{},]*?\s*from\s*)?["']([^"']+)["']\s*;?/;
  let rest = code;
  for (let m = head.exec(rest); m; m = head.exec(rest)) {
    found.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return found;
}

/** URL paths the page loads at once, from index.html and then each script's static imports. */
function initialFiles(): string[] {
  const seen = new Set<string>();
  const queue: string[] = [];
  const add = (url: string, from = '/') => {
    const path = new URL(url, `http://app${from}`).pathname;
    if (!seen.has(path)) {
      seen.add(path);
      queue.push(path);
    }
  };
  for (const s of tags('script')) if (s.src) add(s.src);
  for (const l of tags('link')) {
    const rel = (l.rel ?? '').toLowerCase().split(/\s+/);
    if (l.href && (rel.includes('modulepreload') || rel.includes('stylesheet'))) add(l.href);
  }
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (path.endsWith('.js')) for (const spec of staticImports(readFileSync(join(dist, path), 'utf8'))) add(spec, path);
  }
  return [...seen];
}

describe('the web build', () => {
  it(`loads at most ${BUDGET_BYTES / 1024} KB gzipped before the app runs`, (t) => {
    const files = initialFiles();
    assert.ok(
      files.some((f) => f.endsWith('.js')),
      `index.html loads a script (${files.join(', ')})`,
    );
    let total = 0;
    for (const f of files) {
      const gz = gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
      total += gz;
      t.diagnostic(`${f}: ${(gz / 1024).toFixed(1)} KB gzipped`);
    }
    t.diagnostic(`initial load: ${(total / 1024).toFixed(1)} KB gzipped of a ${BUDGET_BYTES / 1024} KB budget (${files.length} files)`);
    assert.ok(
      total <= BUDGET_BYTES,
      `the initial load is ${(total / 1024).toFixed(1)} KB gzipped, over the ${BUDGET_BYTES / 1024} KB budget: split a chunk off with import(), or drop a dependency`,
    );
  });

  it('has no inline script in index.html (the Content-Security-Policy would refuse it)', () => {
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(
      (m) => !/\bsrc\s*=/.test(m[1] ?? '') || (m[2] ?? '').trim() !== '',
    );
    assert.deepEqual(
      inline.map((m) => m[0].slice(0, 120)),
      [],
    );
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handler attribute');
  });
});

describe('staticImports', () => {
  it('reads the hoisted imports of a chunk, not its dynamic ones', () => {
    const code =
      '/*! license */import{a as e,b}from"./vendor-1.js";import"./side-2.js";import*as n from\'./ns-3.js\';const x=()=>import("./lazy-4.js");import{c}from"./not-hoisted.js"';
    assert.deepEqual(staticImports(code), ['./vendor-1.js', './side-2.js', './ns-3.js']);
  });
});
