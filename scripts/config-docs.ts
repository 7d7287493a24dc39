/**
 * Writes the configuration reference (generated from src/config/schema.ts) into README.md
 * between its markers. test/unit/config/docs.test.ts fails when the README is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withConfigReference } from '../src/config/docs.js';

const target = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(target, withConfigReference(readFileSync(target, 'utf8')));
console.log(`wrote the configuration reference into ${target}`);
