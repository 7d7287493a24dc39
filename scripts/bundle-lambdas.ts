/**
 * Pre-bundles every Lambda entry into dist/lambdas/<name>/index.mjs (+ source map) with the
 * esbuild options the CDK path uses (lib/defaults.ts lambdaBundling), so the installed package
 * synthesizes with lambda.Code.fromAsset: no esbuild and no source on the user's machine.
 * Run by `npm run build` after tsc. Prints each bundle's size.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { build, type BuildOptions } from 'esbuild';
import { lambdaBundling, prebundledName, repoPath } from '../lib/defaults.js';
import { INBOUND_ENTRY } from '../lib/inbound-pipeline.js';
import { SEND_ENTRIES } from '../lib/send-pipeline.js';
import { SMS_STATUS_ENTRY, TRACKING_ENTRY, TRACKING_HTTPS_ENTRY } from '../lib/tracking-pipeline.js';

/** Every handler a MailroomFunction runs; the package test synthesizes a stack using all of them without esbuild. */
export const LAMBDA_ENTRIES = [SEND_ENTRIES.email, SEND_ENTRIES.sms, TRACKING_ENTRY, TRACKING_HTTPS_ENTRY, SMS_STATUS_ENTRY, INBOUND_ENTRY] as const;

/** The esbuild flags NodejsFunction derives from its BundlingOptions (aws-cdk-lib/aws-lambda-nodejs/lib/bundling.ts). */
export function esbuildOptions(bundling: nodejs.BundlingOptions): BuildOptions {
  return {
    bundle: true,
    format: bundling.format === 'cjs' ? 'cjs' : 'esm',
    platform: 'node',
    target: bundling.target,
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    mainFields: bundling.mainFields,
    external: [...(bundling.externalModules ?? [])],
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    logLevel: 'warning',
  };
}

const outRoot = fileURLToPath(new URL('../dist/lambdas/', import.meta.url));
rmSync(outRoot, { recursive: true, force: true });
const options = esbuildOptions(lambdaBundling({ bundleAwsSdk: false }));
for (const entry of LAMBDA_ENTRIES) {
  const outfile = join(outRoot, prebundledName(entry), 'index.mjs');
  await build({ ...options, entryPoints: [repoPath(entry)], outfile });
  console.log(`${entry} → dist/lambdas/${prebundledName(entry)}/index.mjs (${(statSync(outfile).size / 1024).toFixed(1)} KiB)`);
}
