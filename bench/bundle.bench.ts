/**
 * Lambda bundle sizes against their budget, and cold import time. Each handler entry is built
 * by lib/bundling.ts `buildLambda`, the same options the CDK stack gives esbuild (minified ESM,
 * node20, AWS SDK external because the runtime ships it, iconv-lite's double-byte tables as
 * side files), then imported in a fresh Node process several times; the median import time is
 * what a cold start pays for our code (the SDK's own load included, since it is resolved from
 * node_modules just as the runtime resolves its copy). Side files are read only when mail in a
 * CJK charset arrives, so they count toward the asset, not the cold start.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUNDLE_BUDGET_BYTES, buildLambda, LAMBDA_ENTRIES, MAIL_PARSER_BUNDLE_GOAL_BYTES } from '../lib/bundling.js';
import { repoPath } from '../lib/defaults.js';
import { type Benchmark, type BenchResult, median } from './harness.js';

export { LAMBDA_ENTRIES };

const IMPORT_RUNS = 7;
const KiB = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function coldImportMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`import of ${file} failed: ${out.stderr}`);
  return Number(out.stdout);
}

export const benchmarks: Benchmark[] = [
  {
    name: `Lambda bundles (minified ESM, AWS SDK external) against the ${KiB(BUNDLE_BUDGET_BYTES)} budget, and cold import`,
    async run(): Promise<BenchResult[]> {
      // Inside the repo so the external @aws-sdk/* imports resolve from node_modules.
      const outDir = repoPath('.tmp/bundles');
      const results: BenchResult[] = [];
      try {
        for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
          const built = await buildLambda(entry, join(outDir, name));
          const gzip = gzipSync(readFileSync(built.file)).length;
          const times = Array.from({ length: IMPORT_RUNS }, () => coldImportMs(built.file));
          const parsesMail = readFileSync(built.file, 'utf8').includes('mailparser') || built.sideBytes > 0;
          results.push({
            name: `${name} (${entry})`,
            figures: {
              size: KiB(built.bytes),
              budget: `${((built.bytes / BUNDLE_BUDGET_BYTES) * 100).toFixed(0)}% of ${KiB(BUNDLE_BUDGET_BYTES)}${built.bytes > BUNDLE_BUDGET_BYTES ? ' OVER' : ''}`,
              ...(parsesMail
                ? { goal: `${built.bytes <= MAIL_PARSER_BUNDLE_GOAL_BYTES ? 'within' : 'over'} ${KiB(MAIL_PARSER_BUNDLE_GOAL_BYTES)}` }
                : {}),
              gzip: KiB(gzip),
              'lazy side files': KiB(built.sideBytes),
              'cold import median': `${median(times).toFixed(1)} ms`,
            },
          });
        }
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
      return results;
    },
  },
];
