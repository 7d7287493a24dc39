/**
 * The bundle budget (lib/bundling.ts): every Lambda entry, built with the options the stack
 * deploys, stays under 1 MiB, and the two that parse mail under the 600 KiB goal, with
 * iconv-lite's double-byte tables beside them. Sizes only; cold-start time is a benchmark
 * (bench/bundle.bench.ts). test/infra/stack.test.ts checks the same on the CDK assets.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLE_BUDGET_BYTES,
  type BuiltLambda,
  buildLambda,
  iconvTablesDir,
  LAMBDA_ENTRIES,
  MAIL_PARSER_BUNDLE_GOAL_BYTES,
  TABLES_DIR,
} from '../../../lib/bundling.js';

const MAIL_PARSERS = new Set(['inbound', 'trackingHttps']);
let root: string;
const built = new Map<string, BuiltLambda>();

beforeAll(async () => {
  // Prepare
  root = mkdtempSync(join(tmpdir(), 'mailroom-bundles-'));
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) built.set(name, await buildLambda(entry, join(root, name)));
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Lambda bundle budget', () => {
  it.each(Object.keys(LAMBDA_ENTRIES))('%s is under 1 MiB', (name) => {
    // Assess
    expect(built.get(name)!.bytes).toBeLessThan(BUNDLE_BUDGET_BYTES);
  });

  it.each([...MAIL_PARSERS])('%s (mailparser) is under the 600 KiB goal and ships every iconv-lite table beside it', (name) => {
    // Assess
    const bundle = built.get(name)!;
    expect(bundle.bytes).toBeLessThan(MAIL_PARSER_BUNDLE_GOAL_BYTES);
    expect(readdirSync(join(root, name, TABLES_DIR)).sort()).toEqual(readdirSync(iconvTablesDir()).sort());
  });

  it('ships no tables with bundles that do not parse mail', () => {
    // Assess
    for (const name of Object.keys(LAMBDA_ENTRIES).filter((n) => !MAIL_PARSERS.has(n))) expect(built.get(name)!.sideBytes, name).toBe(0);
  });
});
