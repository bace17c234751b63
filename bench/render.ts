/**
 * Renders a saved run again (its report, charts and, with --benchmarks, BENCHMARKS.md) from the
 * JSON it wrote, after a change to how results are reported: no need to measure again.
 * `node bench/render.ts bench/results/bench-full-<time>.json [--benchmarks]`
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBenchmarksMd, writeResults } from './report/markdown.ts';
import type { Results } from './report/results.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { benchmarks: { type: 'boolean', default: false } } });
const file = positionals[0];
if (!file) throw new Error('usage: node bench/render.ts <results.json> [--benchmarks]');
const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
const { md, report } = writeResults(results, join(import.meta.dirname, 'results'));
if (values.benchmarks) writeBenchmarksMd(results, report, join(import.meta.dirname, '..', 'BENCHMARKS.md'));
console.log(`${md}${values.benchmarks ? ' and BENCHMARKS.md' : ''} rendered from ${file}`);
