#!/usr/bin/env node
// `npx mailroom`: in a checkout, runs the TypeScript CLI (src/cli/main.ts) through tsx's loader
// API, so it works from a fresh clone with no build step (tsImport scopes the TypeScript loader
// to this import instead of registering it for the whole process). The installed package has
// no src/: it runs the compiled CLI in dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const { main } = existsSync(source)
  ? await (await import('tsx/esm/api')).tsImport('../src/cli/main.ts', import.meta.url)
  : await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
