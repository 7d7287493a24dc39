#!/usr/bin/env node
// `npx mailroom`: runs the TypeScript CLI (src/cli/main.ts) through tsx's loader API, so it
// works from a fresh clone with no build step. tsImport scopes the TypeScript loader to this
// import instead of registering it for the whole process.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
