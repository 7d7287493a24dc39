/**
 * Lambda bundle sizes and cold import time. Each handler entry is bundled with the same
 * esbuild settings the CDK stack uses (lib/defaults.ts BUNDLING: minified ESM, node20, AWS
 * SDK external because the runtime ships it), then imported in a fresh Node process several
 * times; the median import time is what a cold start pays for our code (the SDK's own load
 * included, since it is resolved from node_modules just as the runtime resolves its copy).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { BUNDLING, repoPath } from '../lib/defaults.js';
import { median, type Benchmark, type BenchResult } from './harness.js';

export const LAMBDA_ENTRIES = {
  sendEmail: 'lambdas/send/email.ts',
  sendSms: 'lambdas/send/sms.ts',
  tracking: 'lambdas/tracking/handler.ts',
  trackingHttps: 'lambdas/tracking/https.ts',
  smsStatus: 'lambdas/tracking/sms-status.ts',
  inbound: 'lambdas/inbound/handler.ts',
} as const;

const IMPORT_RUNS = 7;

async function bundle(name: string, entry: string, outDir: string): Promise<string> {
  const outfile = `${outDir}/${name}.mjs`;
  await build({
    entryPoints: [repoPath(entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    mainFields: BUNDLING.mainFields,
    external: [...(BUNDLING.externalModules ?? [])],
    banner: BUNDLING.banner ? { js: BUNDLING.banner } : undefined,
    logLevel: 'error',
  });
  return outfile;
}

function coldImportMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`import of ${file} failed: ${out.stderr}`);
  return Number(out.stdout);
}

export const benchmarks: Benchmark[] = [
  {
    name: 'Lambda bundles (minified ESM, AWS SDK external) and cold import',
    async run(): Promise<BenchResult[]> {
      // Inside the repo so the external @aws-sdk/* imports resolve from node_modules.
      const outDir = repoPath('.tmp/bundles');
      mkdirSync(outDir, { recursive: true });
      const results: BenchResult[] = [];
      try {
        for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
          const file = await bundle(name, entry, outDir);
          const bytes = statSync(file).size;
          const gzip = gzipSync(readFileSync(file)).length;
          const times = Array.from({ length: IMPORT_RUNS }, () => coldImportMs(file));
          results.push({
            name: `${name} (${entry})`,
            figures: {
              size: `${(bytes / 1024).toFixed(1)} KiB`,
              gzip: `${(gzip / 1024).toFixed(1)} KiB`,
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
