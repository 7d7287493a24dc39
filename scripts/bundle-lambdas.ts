/**
 * Pre-bundles every Lambda entry into dist/lambdas/<name>/ (index.mjs, its source map, and
 * the lazily loaded tables when it needs them) with lib/bundling.ts buildLambda, the options
 * the CDK path uses, so the installed package synthesizes with lambda.Code.fromAsset: no
 * esbuild and no source on the user's machine. Run by `npm run build` after tsc.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLambda, LAMBDA_ENTRIES } from '../lib/bundling.js';
import { prebundledName } from '../lib/defaults.js';

const outRoot = fileURLToPath(new URL('../dist/lambdas/', import.meta.url));
rmSync(outRoot, { recursive: true, force: true });
for (const entry of Object.values(LAMBDA_ENTRIES)) {
  const { bytes, sideBytes } = await buildLambda(entry, join(outRoot, prebundledName(entry)));
  const side = sideBytes ? ` + ${(sideBytes / 1024).toFixed(1)} KiB tables` : '';
  console.log(`${entry} → dist/lambdas/${prebundledName(entry)}/index.mjs (${(bytes / 1024).toFixed(1)} KiB${side})`);
}
