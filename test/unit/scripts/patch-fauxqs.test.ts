/**
 * The install-time backport of fauxqs#278 (scripts/patch-fauxqs.ts): applied once, a no-op
 * the second time, and a loud failure (nothing written) when fauxqs's code is not what the
 * patch was written against. The integration test test/integration/local/astral-characters
 * proves the patched server accepts emoji.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EDITS, PatchError, patchFauxqs } from '../../../scripts/patch-fauxqs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fauxqs folder whose files hold the original texts, surrounded by other code. */
function pristine(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fauxqs-'));
  dirs.push(dir);
  for (const [file, from] of EDITS) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `import x from "y";\n${from}\nexport const other = 1;\n`);
  }
  return dir;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('patch-fauxqs', () => {
  it('patches every file once, and the patched regex accepts emoji but still refuses a lone surrogate', () => {
    // Prepare
    const dir = pristine();

    // Act
    const first = patchFauxqs(dir);
    const second = patchFauxqs(dir);

    // Assess
    expect(first).toHaveLength(EDITS.length);
    expect(second).toEqual([]);
    const source = read(dir, 'dist/sqs/sqsTypes.js');
    const regex = new Function(
      `${source.replace(/^import.*$/m, '').replace(/export const/g, 'const')}; return INVALID_MESSAGE_BODY_CHAR;`,
    )() as RegExp;
    expect(regex.test('hi 😀 𝄞 \u{10FFFF}')).toBe(false);
    expect(regex.test('lone \uD83D surrogate')).toBe(true);
    expect(regex.test('nul \u0000')).toBe(true);
    expect(regex.test('\uFFFE')).toBe(true);
    expect(read(dir, 'dist/sqs/actions/sendMessage.js')).toContain('#x10000 to #x10FFFF');
  });

  it('fails loudly and writes nothing when a file no longer holds the expected code', () => {
    // Prepare
    const dir = pristine();
    const [changedFile] = EDITS[EDITS.length - 1]!;
    writeFileSync(join(dir, changedFile), 'export const rewritten = true;\n');
    const before = read(dir, EDITS[0]![0]);

    // Act / Assess
    expect(() => patchFauxqs(dir)).toThrow(PatchError);
    expect(() => patchFauxqs(dir)).toThrow(/fauxqs changed upstream: .*sendMessageBatch\.js/);
    expect(read(dir, EDITS[0]![0])).toBe(before);
  });

  it('fails loudly when a file is missing', () => {
    // Prepare
    const dir = pristine();
    rmSync(join(dir, EDITS[1]![0]));

    // Act / Assess
    expect(() => patchFauxqs(dir)).toThrow(/is missing/);
  });
});
