/**
 * CPU profiles of the page (CDP Profiler) mapped back to the UI's sources through dist's source
 * maps: self and inclusive time by original function and by source file, so a missed budget names
 * the code that spent the time (React's internals show as react-dom, the app's code by file).
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export async function startProfile(cdp: CDPSession): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
}

export async function stopProfile(cdp: CDPSession): Promise<Profile> {
  const { profile } = await cdp.send('Profiler.stop');
  return profile as unknown as Profile;
}

/** Where a frame comes from in the sources (via dist/assets/*.js.map), or what V8 calls it. */
function locator(dist: string): (f: Node['callFrame']) => { fn: string; file: string } {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string) => {
    const m = /\/assets\/([^/?#]+\.js)/.exec(url);
    if (!m) return null;
    if (!maps.has(m[1]!)) {
      try {
        maps.set(m[1]!, new SourceMap(JSON.parse(readFileSync(join(dist, 'assets', `${m[1]!}.map`), 'utf8'))));
      } catch {
        maps.set(m[1]!, null);
      }
    }
    return maps.get(m[1]!) ?? null;
  };
  const short = (src: string) =>
    src
      .replace(/^(\.\.\/)+/, '')
      .replace(/^node_modules\/((?:@[^/]+\/)?[^/]+).*$/, '$1')
      .replace(/^packages\/web\/src\//, 'web/src/')
      .replace(/^src\//, 'web/src/');
  return (f) => {
    if (!f.url) return { fn: f.functionName || '(root)', file: `(${f.functionName || 'native'})` };
    const map = mapOf(f.url);
    const e = map?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number; name?: string } | undefined;
    if (!e?.originalSource)
      return {
        fn: `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`,
        file: f.url.split('/').pop() ?? f.url,
      };
    const file = short(e.originalSource);
    return { fn: `${e.name || f.functionName || '(anonymous)'} ${file}:${(e.originalLine ?? 0) + 1}`, file };
  };
}

/** Self time by file and by function, inclusive time by function (each sample once per function on its stack). */
export function summarize(p: Profile, dist: string, top = 25): string {
  const where = locator(dist);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const loc = new Map(p.nodes.map((n) => [n.id, where(n.callFrame)]));
  const selfFn = new Map<string, number>();
  const selfFile = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  let idle = 0;
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const l = loc.get(id)!;
    if (byId.get(id)?.callFrame.functionName === '(idle)') {
      idle += ms;
      return;
    }
    total += ms;
    selfFn.set(l.fn, (selfFn.get(l.fn) ?? 0) + ms);
    selfFile.set(l.file, (selfFile.get(l.file) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = loc.get(at)!.fn;
      if (seen.has(f)) continue;
      seen.add(f);
      incl.set(f, (incl.get(f) ?? 0) + ms);
    }
  });
  const list = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${v.toFixed(1).padStart(8)} ms  ${(total ? (100 * v) / total : 0).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  return [
    `busy ${total.toFixed(0)} ms, idle ${idle.toFixed(0)} ms (${((p.endTime - p.startTime) / 1000).toFixed(0)} ms profiled)`,
    'self time by file:',
    list(selfFile, 12),
    'self time by function:',
    list(selfFn, top),
    'inclusive time by function:',
    list(incl, top),
    'inclusive time by function of the app (web/src, client/src):',
    list(new Map([...incl].filter(([k]) => / (web|client)\/src\//.test(k))), top),
  ].join('\n');
}
