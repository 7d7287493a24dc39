/**
 * `npm run bench [filter]`: runs every bench/*.bench.ts (or those whose file name contains
 * the filter) and prints one table. Figures are medians over rounds; compare ratios, not
 * absolute numbers, across machines.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, BenchResult } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const format = (r: BenchResult): string => {
  const parts: string[] = [];
  if (r.medianMs !== undefined)
    parts.push(`median ${r.medianMs < 1 ? `${(r.medianMs * 1000).toFixed(1)} µs` : `${r.medianMs.toFixed(2)} ms`}`);
  if (r.p90Ms !== undefined) parts.push(`p90 ${r.p90Ms < 1 ? `${(r.p90Ms * 1000).toFixed(1)} µs` : `${r.p90Ms.toFixed(2)} ms`}`);
  if (r.opsPerSecond !== undefined) parts.push(`${Math.round(r.opsPerSecond).toLocaleString('en-US')} ops/s`);
  for (const [k, v] of Object.entries(r.figures ?? {})) parts.push(`${k} ${v}`);
  return `  ${r.name.padEnd(56)} ${parts.join('  ')}`;
};

for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { benchmarks: Benchmark[] };
  for (const bench of mod.benchmarks) {
    console.log(`\n${bench.name}`);
    for (const result of await bench.run()) console.log(format(result));
  }
}
